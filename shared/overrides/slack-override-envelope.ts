import * as z from "zod/mini";
import "../runtime/event-schema";

/**
 * What the slack-chatops endpoint sends the override function (asynchronously): the override request
 * exactly as the CLI would send it, and where to answer. The request itself is validated by the
 * override function with the CLI's schema; only the envelope is checked here.
 */
export const slackOverrideEnvelopeSchema = z.strictObject({
  slackReply: z.strictObject({
    responseUrl: z.string().check(z.minLength(1), z.maxLength(500)),
    userId: z.string().check(z.minLength(1), z.maxLength(40)),
    /** A button's message, to be replaced without its buttons; absent for a slash command. */
    message: z.optional(
      z.strictObject({
        blocks: z.optional(z.array(z.unknown())),
        attachments: z.optional(z.array(z.unknown())),
      }),
    ),
  }),
  request: z.record(z.string(), z.unknown()),
});

export type SlackOverrideEnvelope = z.infer<typeof slackOverrideEnvelopeSchema>;

export function isSlackOverrideEnvelope(event: unknown): boolean {
  return typeof event === "object" && event !== null && "slackReply" in event;
}
