import {
  type ChatMessage,
  chatMessage,
  context,
  fields,
  section,
  severityPrefix,
} from "../../kernel/domain/chat-message";
import type { CanaryDecision, CanarySplitState } from "./canary-decision";
import type { CanaryCommand } from "./commands";

type Pair = [string, string];

const split = (s: CanarySplitState | null) =>
  s === null
    ? "not read"
    : `${s.percent}% canary — weights ${s.stableWeight}/${s.canaryWeight}, ${s.stickiness.enabled ? `sticky ${s.stickiness.durationSeconds ?? "?"} s` : "stickiness off"} (${s.step})`;

/** Renders one canary Decision as a reply in the run's thread. Pure: snapshot-tested. */
export function renderCanaryMessage(decision: CanaryDecision): ChatMessage {
  const { observed } = decision;
  const gates =
    observed.alarms.length === 0
      ? "none readable"
      : observed.alarms.map((a) => `${icon(a.state)} \`${a.name}\` ${a.state}`).join("\n");
  const h = observed.health;
  const byState = Object.entries(h.byState)
    .map(([state, count]) => `${count} ${state}`)
    .join(", ");
  const guards = decision.guards
    .map((g) => `${g.verdict === "blocked" ? "⛔" : "✅"} ${g.name}: ${g.detail}`)
    .join("\n");
  const pairs: Pair[] = [
    ["Rule (before → after)", `${split(decision.before)}\n→ ${split(decision.after)}`],
    ["Gates (current state)", gates],
    [
      `Canary targets (${observed.groups.canary})`,
      `${h.healthy} of ${h.total} healthy, need ${h.required}${byState ? ` — ${byState}` : ""}`,
    ],
    [
      "Rule",
      `\`${decision.rule}\` → ${decision.outcome}${decision.mode === "auto" ? "" : ` (${decision.mode})`}`,
    ],
  ];
  if (guards) pairs.push(["Guards", guards]);
  if (decision.override) {
    const o = decision.override;
    pairs.push(["Override", `${o.kind} by ${o.author} (expires ${o.expiresAt}): ${o.reason}`]);
  }
  if (observed.notification) {
    const n = observed.notification;
    pairs.push(["Triggered by", `\`${n.alarm}\` → ${n.state} at ${n.at} (gates re-read, not taken from it)`]);
  }
  if (decision.error) pairs.push(["Error", `${decision.error.name}: ${decision.error.message}`]);
  const blocks = [
    section(`${severityPrefix(decision.severity)} *${decision.headline}*`),
    ...fields(pairs),
    ...(decision.followUp ? [section(`*Next for the operator:* ${decision.followUp}`)] : []),
    context(`canary · ${decision.trigger.kind} ${decision.trigger.source} · ${decision.at}`),
  ];
  return chatMessage(decision.headline, decision.severity, blocks);
}

/**
 * The thread's root: one line of run status, refreshed in place (chat.update) after every decision so the
 * channel shows where each canary is without opening the thread.
 */
export function renderCanaryHeadline(statusLine: string, latest: CanaryDecision): ChatMessage {
  return chatMessage(statusLine, latest.severity, [
    section(`${severityPrefix(latest.severity)} *${statusLine}*`),
    context(`latest: ${latest.headline} · ${latest.at}`),
  ]);
}

/** An operator's command in the run's thread: who asked for what, and why (their words, escaped). */
export function renderCanaryCommandNote(
  command: Pick<CanaryCommand, "author" | "kind" | "reason">,
  canary: string,
): ChatMessage {
  return chatMessage(
    `:raised_hand: ${command.author} asked to ${command.kind} ${canary}: ${command.reason}`,
    "info",
    [],
  );
}

function icon(state: string): string {
  return state === "OK" ? "✅" : state === "ALARM" ? "🚨" : "❔";
}
