import {
  type ChatMessage,
  chatMessage,
  context,
  fields,
  section,
  severityPrefix,
} from "../../kernel/domain/chat-message";
import type { FlowDecision } from "./flow-control-decision";
import { describeIntent } from "./intent";
import type { InstanceResult, InstanceStatus } from "./invocation-result";

/** Lines per instance group: a 300-instance fleet must not blow Slack's 2,000-character field limit. */
const MAX_LINES = 15;

const TITLES: Record<InstanceStatus, string> = {
  failed: "Failed",
  undeliverable: "Undeliverable (agent offline / not managed)",
  running: "Still running at the deadline",
  converged: "Converged",
};

/** Renders a flow-control Decision as a Slack message: every instance's fate is in it. Pure. */
export function renderFlowControlMessage(decision: FlowDecision): ChatMessage {
  const { observed, before, after } = decision;
  const mode = (s: { mode: string; admitRate: number }) =>
    s.mode === "unknown" ? "unknown" : describeIntent({ mode: s.mode as never, admitRate: s.admitRate });
  const guards = decision.guards
    .map((g) => `${g.verdict === "blocked" ? "⛔" : "✅"} ${g.name}: ${g.detail}`)
    .join("\n");
  const signal = observed.signal;
  const pairs: [string, string][] = [
    ["Mode (before → after)", `${mode(before)} → ${mode(after)}`],
    ["Rule", `\`${decision.rule}\` → ${decision.outcome}${decision.mode === "dry-run" ? " (dry run)" : ""}`],
  ];
  if (signal) {
    pairs.push([
      "Alarm",
      `\`${signal.alarmName}\` ${signal.previousState ?? "?"} → *${signal.state}* at ${signal.stateChangeTime}${signal.reason ? `\n${signal.reason.slice(0, 300)}` : ""}`,
    ]);
  }
  if (guards) pairs.push(["Guards", guards]);
  const total = observed.instances.length;
  if (total > 0) {
    const c = observed.counts;
    pairs.push([
      "Instances",
      `${c.converged}/${total} converged · ${c.failed} failed · ${c.undeliverable} undeliverable · ${c.running} still running`,
    ]);
  }
  for (const status of ["failed", "undeliverable", "running", "converged"] as const) {
    const group = observed.instances.filter((i) => i.status === status);
    if (group.length > 0) pairs.push([`${TITLES[status]} (${group.length})`, lines(group)]);
  }
  if (observed.wouldSendTo) {
    pairs.push([
      `Would send to (${observed.wouldSendTo.length})`,
      capped(observed.wouldSendTo.map((id) => `\`${id}\``)),
    ]);
  }
  if (decision.change?.commandIds)
    pairs.push(["SSM commands", String(decision.change.commandIds).split(",").join("\n")]);
  if (decision.error) pairs.push(["Error", `${decision.error.name}: ${decision.error.message}`]);
  const blocks = [
    section(`${severityPrefix(decision.severity)} *${decision.headline}*`),
    ...fields(pairs),
    context(`flow-control · ${decision.trigger.kind} ${decision.trigger.source} · ${decision.at}`),
  ];
  return chatMessage(decision.headline, decision.severity, blocks);
}

function lines(group: readonly InstanceResult[]): string {
  return capped(
    group.map((i) => {
      const exit = i.exitCode !== undefined && i.exitCode !== 0 ? ` exit ${i.exitCode}` : "";
      const retried = i.attempts > 1 ? ` (${i.attempts} attempts)` : "";
      const changed = i.status === "converged" ? (i.changed ? " changed" : " already") : "";
      return `\`${i.instanceId}\`${changed}${exit}${retried}: ${i.message.slice(0, 160)}`;
    }),
  );
}

/** At most MAX_LINES lines and ~1,900 characters, with a count of what was left out. */
function capped(items: readonly string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const item of items.slice(0, MAX_LINES)) {
    if (length + item.length + 1 > 1_850) break;
    kept.push(item);
    length += item.length + 1;
  }
  const left = items.length - kept.length;
  return left > 0 ? `${kept.join("\n")}\n…and ${left} more (see the decision log)` : kept.join("\n");
}
