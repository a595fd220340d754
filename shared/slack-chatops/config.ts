import { z } from "zod";
import { ssmParameterNameSchema } from "../config/common";

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * Slack ChatOps: who may act from Slack (buttons and the `/autopilot` slash command), under which override
 * author, and where the app's signing secret lives. Absent: no endpoint is deployed.
 *
 * @example { signingSecretParameter: /traffic-autopilot/prod/slack-signing-secret,
 *            allowlist: { U024BE7LH: alice, U0G9QF9C6: bob } }
 */
export const slackChatopsSchema = z.strictObject({
  /** SSM SecureString holding the Slack app's signing secret; read once per cold start, never logged. */
  signingSecretParameter: ssmParameterNameSchema,
  /**
   * Slack user id (workspace members: U..., Enterprise Grid: W...) -> the override author recorded and
   * posted for that person. Anyone not listed is refused, whatever their role in the workspace.
   */
  allowlist: z
    .unknown()
    .superRefine((raw, ctx) => {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        ctx.addIssue({ code: "custom", message: "a map of Slack user id -> author" });
        return;
      }
      // Own names, not Object.keys/entries: a "__proto__" key must be refused, not silently dropped.
      const ids = Object.getOwnPropertyNames(raw);
      if (ids.length === 0) ctx.addIssue({ code: "custom", message: "name at least one Slack user" });
      for (const id of ids) {
        const author = (raw as Record<string, unknown>)[id];
        // Named at the allowlist's path, so a typo'd key reads like any unknown key.
        if (!SLACK_USER_ID.test(id)) {
          ctx.addIssue({ code: "custom", message: `"${id}" is not a Slack user id like U024BE7LH` });
        } else if (typeof author !== "string" || author.trim() === "" || author.trim().length > 64) {
          ctx.addIssue({
            code: "custom",
            path: [id],
            message: "the author must be a name of 1-64 characters",
          });
        }
      }
    })
    .transform(
      (raw): Record<string, string> =>
        Object.fromEntries(Object.entries(raw as Record<string, string>).map(([id, a]) => [id, a.trim()])),
    ),
});

export type SlackChatopsConfig = z.infer<typeof slackChatopsSchema>;
