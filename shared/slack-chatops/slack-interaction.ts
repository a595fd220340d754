import * as z from "zod/mini";
import type { SchemaProblems } from "../runtime/event-schema";
import "../runtime/event-schema";

/**
 * What a Lambda function URL hands the function (payload format 2.0): header names in lower case, the
 * body as received, base64-encoded when Lambda thinks it is binary.
 */
export const functionUrlEventSchema = z.object({
  headers: z._default(z.record(z.string(), z.string()), {}),
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
  requestContext: z.optional(z.object({ http: z.optional(z.object({ method: z.string() })) })),
});

export type FunctionUrlEvent = z.infer<typeof functionUrlEventSchema>;

/** The raw body as Slack sent it (the bytes the signature covers). */
export function rawBodyOf(event: FunctionUrlEvent): string {
  const body = event.body ?? "";
  return event.isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
}

/** Only Slack's own response URLs: the override function posts its answer there. */
const responseUrl = z
  .string()
  .check(
    z.maxLength(500),
    z.regex(/^https:\/\/hooks\.slack\.com\/[A-Za-z0-9/_.-]+$/, "a hooks.slack.com URL"),
  );

/** A slash command: form fields (command, text, user_id, response_url...). */
const slashSchema = z.object({
  command: z.string().check(z.minLength(1), z.maxLength(40)),
  text: z._default(z.string().check(z.maxLength(3000)), ""),
  user_id: z.string().check(z.minLength(1), z.maxLength(40)),
  response_url: z.string().check(z.maxLength(500)),
});

/** A button click: form field `payload` holding JSON of type block_actions. */
const blockActionsSchema = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string().check(z.minLength(1), z.maxLength(40)) }),
  response_url: z.string().check(z.maxLength(500)),
  actions: z
    .array(
      z.object({
        action_id: z.string().check(z.minLength(1), z.maxLength(255)),
        value: z._default(z.string().check(z.maxLength(2000)), ""),
      }),
    )
    .check(z.length(1, "exactly one action")),
  message: z.optional(
    z.object({
      ts: z.optional(z.string().check(z.maxLength(40))),
      blocks: z.optional(z.array(z.unknown()).check(z.maxLength(50))),
      attachments: z.optional(z.array(z.unknown()).check(z.maxLength(20))),
    }),
  ),
});

export type SlackInteraction =
  | { kind: "slash"; userId: string; responseUrl: string; command: string; text: string }
  | {
      kind: "button";
      userId: string;
      responseUrl: string;
      actionId: string;
      value: string;
      /** The message the button sits on, as Slack sent it: the answer replaces it without the buttons. */
      message: { blocks?: unknown[]; attachments?: unknown[] } | undefined;
    };

export type ParsedInteraction = { ok: true; value: SlackInteraction } | { ok: false; problem: string };

/**
 * Reads a verified request's form body into a slash command or a button click. Anything else (another
 * interaction type, a payload that is not JSON, a field missing) is named, never guessed at.
 */
export function parseSlackInteraction(
  rawBody: string,
  allowResponseUrl: (url: string) => boolean,
): ParsedInteraction {
  const form = new URLSearchParams(rawBody);
  const payload = form.get("payload");
  const problems = (error: SchemaProblems) =>
    error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
  if (payload !== null) {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return { ok: false, problem: "payload is not JSON" };
    }
    const parsed = blockActionsSchema.safeParse(json);
    if (!parsed.success)
      return { ok: false, problem: `not a button click we know: ${problems(parsed.error)}` };
    const { user, actions, message } = parsed.data;
    if (!allowResponseUrl(parsed.data.response_url))
      return { ok: false, problem: "response_url is not Slack's" };
    const action = actions[0] as { action_id: string; value: string };
    return {
      ok: true,
      value: {
        kind: "button",
        userId: user.id,
        responseUrl: parsed.data.response_url,
        actionId: action.action_id,
        value: action.value,
        message: message
          ? {
              ...(message.blocks ? { blocks: message.blocks } : {}),
              ...(message.attachments ? { attachments: message.attachments } : {}),
            }
          : undefined,
      },
    };
  }
  const parsed = slashSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return { ok: false, problem: `not a slash command we know: ${problems(parsed.error)}` };
  if (!allowResponseUrl(parsed.data.response_url))
    return { ok: false, problem: "response_url is not Slack's" };
  return {
    ok: true,
    value: {
      kind: "slash",
      userId: parsed.data.user_id,
      responseUrl: parsed.data.response_url,
      command: parsed.data.command,
      text: unescapeSlack(parsed.data.text),
    },
  };
}

/** Slack escapes &, < and > in a slash command's text (even with should_escape false): read what was typed. */
export function unescapeSlack(text: string): string {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

/** Slack's response URLs in production; the sandbox passes its sink's loopback URL instead. */
export function isSlackResponseUrl(url: string): boolean {
  return responseUrl.safeParse(url).success;
}

/**
 * Which response URLs a function may answer on: Slack's, plus, where SLACK_API_URL points the Slack
 * client at a local stand-in (the sandbox only), that stand-in's own origin.
 */
export function responseUrlPolicy(slackApiUrl: string | undefined): (url: string) => boolean {
  const local = slackApiUrl === undefined ? undefined : new URL(slackApiUrl).origin;
  return (url) => isSlackResponseUrl(url) || (local !== undefined && url.startsWith(`${local}/`));
}
