import { describeError } from "../errors";
import { buttonRequest } from "../kernel/domain/buttons";
import { parseOverrideRequest } from "../overrides/override-request";
import type { OverrideDispatcher, ReplayGuard } from "../ports/slack-chatops";
import type { Logger } from "../runtime/logger";
import type { SlackChatopsConfig } from "./config";
import {
  type FunctionUrlEvent,
  parseSlackInteraction,
  rawBodyOf,
  type SlackInteraction,
} from "./slack-interaction";
import { verifySlackSignature } from "./slack-signature";

/** How `/autopilot` text is read: the CLI's grammar (cli/slack-grammar.ts), given by the function's wiring. */
export type SlashReader = (
  text: string,
  author: string,
) => Promise<
  | { kind: "override"; payload: Record<string, unknown> }
  | { kind: "status" }
  | { kind: "help"; text: string }
  | { kind: "invalid"; problem: string }
>;

export interface SlackChatopsDeps {
  signingSecret: string;
  replay: ReplayGuard;
  dispatcher: OverrideDispatcher;
  readSlash: SlashReader;
  /** Which response URLs may be answered on (Slack's own in production). */
  allowResponseUrl: (url: string) => boolean;
  logger: Logger;
  nowSeconds: () => number;
}

/** The function URL's answer; Slack shows `text` to the person who clicked or typed, and only to them. */
export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const answer = (statusCode: number, text: string): HttpAnswer => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ response_type: "ephemeral", replace_original: false, text }),
});

/**
 * One request from Slack, answered well inside Slack's 3 seconds: verify the signature and its age,
 * read the interaction, check the person against the stage's allowlist, turn it into an override
 * request and check it with the override schema, claim it against replays, hand it to the override
 * function asynchronously (Lambda queues it and answers 202 at once), and acknowledge. The override
 * function acts with exactly the CLI's code and answers on the response_url. Every refusal before the
 * hand-off stores nothing.
 */
export async function answerSlack(
  deps: SlackChatopsDeps,
  config: SlackChatopsConfig,
  event: FunctionUrlEvent,
): Promise<HttpAnswer> {
  if (event.requestContext?.http?.method !== undefined && event.requestContext.http.method !== "POST") {
    return answer(405, "refused: Slack sends POST requests only");
  }
  const rawBody = rawBodyOf(event);
  const verdict = verifySlackSignature({
    secret: deps.signingSecret,
    rawBody,
    timestampHeader: event.headers["x-slack-request-timestamp"],
    signatureHeader: event.headers["x-slack-signature"],
    nowSeconds: deps.nowSeconds(),
  });
  if (!verdict.ok) {
    deps.logger.warn("slack request refused", { reason: verdict.problem });
    return answer(401, `refused: ${verdict.problem}. Nothing was done.`);
  }
  const parsed = parseSlackInteraction(rawBody, deps.allowResponseUrl);
  if (!parsed.ok) return answer(200, `refused: ${parsed.problem}. Nothing was done.`);
  const interaction = parsed.value;
  const author = Object.hasOwn(config.allowlist, interaction.userId)
    ? config.allowlist[interaction.userId]
    : undefined;
  if (author === undefined) {
    deps.logger.warn("slack user not on the allowlist", { user: interaction.userId });
    return answer(
      200,
      `refused: Slack user ${interaction.userId} is not on this stage's slackChatops allowlist. Nothing was done.`,
    );
  }
  const wanted = await requestOf(deps, interaction, author);
  if (!wanted.ok) return answer(200, wanted.text);
  if ((await deps.replay.claim(verdict.signature, verdict.timestamp)) === "seen") {
    deps.logger.warn("slack request replayed", { user: interaction.userId });
    return answer(200, "refused: this request was already received (a replay). Nothing was done again.");
  }
  try {
    await deps.dispatcher.dispatch({
      slackReply: {
        responseUrl: interaction.responseUrl,
        userId: interaction.userId,
        ...(interaction.kind === "button" && interaction.message ? { message: interaction.message } : {}),
      },
      request: wanted.payload,
    });
  } catch (error) {
    deps.logger.error("could not hand the request to the override function", { error: describeError(error) });
    return answer(
      200,
      `failed: the override function could not be reached (${describeError(error).message}). Nothing was done; try again.`,
    );
  }
  return answer(200, `${ackOf(wanted.payload)} as ${author}… the answer follows here.`);
}

async function requestOf(
  deps: SlackChatopsDeps,
  interaction: SlackInteraction,
  author: string,
): Promise<{ ok: true; payload: Record<string, unknown> } | { ok: false; text: string }> {
  let payload: Record<string, unknown>;
  if (interaction.kind === "button") {
    const built = buttonRequest(interaction.actionId, interaction.value, {
      author,
      reason: `Slack button (${interaction.userId})`,
    });
    if (!built.ok) return { ok: false, text: `refused: ${built.problem}. Nothing was done.` };
    payload = built.payload;
  } else {
    const read = await deps.readSlash(interaction.text, author);
    if (read.kind === "help") return { ok: false, text: `\`\`\`${read.text.slice(0, 2900)}\`\`\`` };
    if (read.kind === "status") {
      return {
        ok: false,
        text: "status is not answered here: this endpoint may invoke the override function only (least privilege). Use `autopilot --stage <stage> status`, or read the incident threads.",
      };
    }
    if (read.kind === "invalid") return { ok: false, text: `refused: ${read.problem}. Nothing was done.` };
    payload = read.payload;
  }
  // The override function's own schema, here too: a malformed request is answered now, not after a queue.
  try {
    parseOverrideRequest(payload);
  } catch (error) {
    return { ok: false, text: `refused: ${describeError(error).message}. Nothing was done.` };
  }
  return { ok: true, payload };
}

function ackOf(payload: Record<string, unknown>): string {
  switch (payload.action) {
    case "approve":
      return `Approving ${String(payload.planId)}`;
    case "reject":
      return `Rejecting ${String(payload.planId)}`;
    case "pause":
      return `Pausing ${String(payload.automation)} ${String(payload.target ?? "(every target)")}`;
    case "resume":
      return `Resuming ${String(payload.automation)} ${String(payload.target ?? "(every target)")}`;
    default:
      return `Sending ${String(payload.action)}`;
  }
}
