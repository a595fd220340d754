import {
  type ChatMessage,
  chatMessage,
  context,
  fields,
  header,
  section,
} from "../../kernel/domain/chat-message";
import type { Decision } from "../../kernel/domain/decision";
import type { StoredOverride } from "../../kernel/domain/override-types";

type Pair = [string, string];

/**
 * Renders an operator's request as one channel message: what was asked, by whom (typed author and the
 * identity that really invoked), why, until when, and whether it was accepted. Pure: snapshot-testable.
 */
export function renderOverrideMessage(
  decision: Decision<unknown, unknown>,
  details: { accepted: boolean; refusal?: string; override?: StoredOverride },
): ChatMessage {
  const icon = details.accepted ? ":raised_hand:" : ":no_entry_sign:";
  const o = details.override;
  const pairs: Pair[] = [
    ["Action", `\`${decision.rule}\` on ${decision.target}`],
    ["Author", `${o?.author ?? decision.trigger.source}`],
    ["Invoked by", `${decision.change?.invoker ?? "unknown"}`],
  ];
  if (o !== undefined && o.cleared === undefined) pairs.push(["Expires", o.expiresAt]);
  if (o?.action.kind === "pin") {
    pairs.push([
      "Pinned weights",
      Object.entries(o.action.weights)
        .map(([id, w]) => `${id} ${w}`)
        .join(" / "),
    ]);
  }
  if (o?.action.kind === "force") {
    pairs.push([
      "Forced mode",
      o.action.mode === "admitting" ? `admitting ${o.action.admitRate}/s` : o.action.mode,
    ]);
  }
  if (!details.accepted && details.refusal) pairs.push(["Refused", details.refusal]);
  return chatMessage(`${icon} ${decision.headline}`, decision.severity, [
    header(`${details.accepted ? "Override" : "Override refused"}: ${decision.rule} ${decision.target}`),
    section(`${icon} ${decision.headline}`),
    ...fields(pairs),
    context(`request ${decision.change?.requestId ?? "?"} · ${decision.at}`),
  ]);
}
