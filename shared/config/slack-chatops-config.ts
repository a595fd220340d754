import { z } from "zod";
import { ssmParameterNameSchema } from "./common";

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
   * Slack user id (Workspace members: U..., Enterprise Grid: W...) -> the override author recorded and
   * posted for that person. Anyone not listed is refused, whatever their role in the workspace.
   */
  allowlist: z
    .record(
      z.string().regex(/^[UW][A-Z0-9]{2,20}$/, "a Slack user id like U024BE7LH"),
      z.string().trim().min(1, "author is required").max(64),
    )
    .refine((list) => Object.keys(list).length > 0, "name at least one Slack user"),
});

export type SlackChatopsConfig = z.infer<typeof slackChatopsSchema>;
