import type { StageConfig } from "../config/stage-config";
import { describeError } from "../errors";
import { answeredBlocks } from "../kernel/domain/buttons";
import type { SlackResponder, SlackResponse } from "../ports/slack-chatops";
import { applyOverride, type Caller, type OverrideDeps, type OverrideResponse } from "./apply-override";
import { parseOverrideRequest } from "./override-request";
import type { SlackOverrideEnvelope } from "./slack-override-envelope";

/**
 * A request from Slack (handed over by the slack-chatops endpoint): carried out with exactly the CLI's
 * code (applyOverride: same checks, same conflicts, same Slack decision), then answered on the
 * response_url. It never throws: Lambda would retry a failed asynchronous invocation, and a refusal is
 * an answer, not a failure. A button's message is replaced without its buttons once the request is
 * accepted, so the channel shows who did what where the question was asked.
 */
export async function answerInSlack(
  deps: OverrideDeps,
  responder: SlackResponder | undefined,
  stage: StageConfig,
  envelope: SlackOverrideEnvelope,
  caller: Caller,
): Promise<OverrideResponse | { accepted: false; refusal: string }> {
  let result: OverrideResponse | { accepted: false; refusal: string };
  try {
    result = await applyOverride(deps, stage, parseOverrideRequest(envelope.request), caller);
  } catch (error) {
    deps.logger.warn("slack request refused", { error: describeError(error) });
    result = { accepted: false, refusal: describeError(error).message };
  }
  const body = replyOf(envelope, result);
  if (responder === undefined) {
    deps.logger.warn("no Slack responder: the answer is only in the channel", { text: body.text });
    return result;
  }
  try {
    await responder.respond(envelope.slackReply.responseUrl, body);
  } catch (error) {
    deps.logger.warn("could not answer on the response_url", { error: describeError(error) });
  }
  return result;
}

function replyOf(
  envelope: SlackOverrideEnvelope,
  result: OverrideResponse | { accepted: false; refusal: string },
): SlackResponse {
  const request = envelope.request;
  const author = String(request.author ?? "?");
  if (!result.accepted) {
    return {
      response_type: "ephemeral",
      replace_original: false,
      text: `⛔ refused, nothing changed: ${result.refusal ?? "no reason given"}`,
    };
  }
  const line = acceptedLine(request, result as OverrideResponse, author);
  const message = envelope.slackReply.message;
  if (message === undefined) return { response_type: "in_channel", text: line };
  const attachments = message.attachments?.map((a) => {
    const attachment = a as { blocks?: unknown[] } & Record<string, unknown>;
    return attachment.blocks
      ? { ...attachment, blocks: answeredBlocks(attachment.blocks, line) }
      : attachment;
  });
  return {
    replace_original: true,
    text: line,
    ...(attachments ? { attachments } : { blocks: answeredBlocks(message.blocks ?? [], line) }),
  };
}

/** "✅ plan-images-1a2b approved by alice (Slack)" / "⏸ flow-control web paused by alice until ..." */
function acceptedLine(request: Record<string, unknown>, result: OverrideResponse, author: string): string {
  switch (request.action) {
    case "approve":
      return `✅ ${String(request.planId)} approved by ${author} from Slack: it is applied if the world is still what it was planned from`;
    case "reject":
      return `✖ ${String(request.planId)} rejected by ${author} from Slack`;
    case "pause":
      return `⏸ ${String(request.automation)} ${String(request.target ?? "(every target)")} paused by ${author} from Slack until ${result.override?.expiresAt ?? "?"}`;
    case "resume":
      return `▶ ${String(request.automation)} ${String(request.target ?? "(every target)")} resumed by ${author} from Slack`;
    default:
      return `✅ ${String(request.action)} by ${author} from Slack${result.override ? ` until ${result.override.expiresAt}` : ""}: ${String(request.reason ?? "")}`;
  }
}
