import { z } from "zod";

/**
 * What the slack-chatops endpoint sends the override function (asynchronously): the override request
 * exactly as the CLI would send it, and where to answer. The request itself is validated by the
 * override function with the CLI's schema; only the envelope is checked here.
 */
export const slackOverrideEnvelopeSchema = z.strictObject({
  slackReply: z.strictObject({
    responseUrl: z.string().min(1).max(500),
    userId: z.string().min(1).max(40),
    /** A button's message, to be replaced without its buttons; absent for a slash command. */
    message: z
      .strictObject({ blocks: z.array(z.unknown()).optional(), attachments: z.array(z.unknown()).optional() })
      .optional(),
  }),
  request: z.record(z.string(), z.unknown()),
});

export type SlackOverrideEnvelope = z.infer<typeof slackOverrideEnvelopeSchema>;

export function isSlackOverrideEnvelope(event: unknown): boolean {
  return typeof event === "object" && event !== null && "slackReply" in event;
}
