import { planButtons } from "../../kernel/domain/buttons";
import {
  type ChatMessage,
  chatMessage,
  context,
  fields,
  section,
  severityPrefix,
} from "../../kernel/domain/chat-message";
import { type CertDecision, shortArn } from "./cert-decision";
import type { BalancerSnapshot } from "./snapshot";

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : "?");

function balancerLine(before: BalancerSnapshot, after: BalancerSnapshot | undefined): string {
  const side = (b: BalancerSnapshot | undefined) =>
    b === undefined
      ? "?"
      : `${b.color ?? "untagged"}${b.dns ? " (DNS)" : ""}, \`${shortArn(b.certificateArn)}\` until ${day(b.certificateNotAfter)}`;
  const changed = after !== undefined && side(after) !== side(before);
  return `\`${before.name}\` ${side(before)}${changed ? ` → ${side(after)}` : ""}`;
}

/** Renders a cert-rotation Decision as a Slack message. Pure: snapshot-tested. */
export function renderCertRotationMessage(decision: CertDecision): ChatMessage {
  const { observed, before, after } = decision;
  const balancers = before.balancers
    .map((b) =>
      balancerLine(
        b,
        after.balancers.find((a) => a.arn === b.arn),
      ),
    )
    .join("\n");
  const candidates = observed.candidates
    .slice(0, 8)
    .map(
      (c) =>
        `${c.verdict === "eligible" ? "✅" : c.verdict === "in-service" ? "▶️" : "⛔"} \`${shortArn(c.arn)}\` ${c.domainName}: ${c.reason}`,
    )
    .join("\n");
  const guards = decision.guards
    .map((g) => `${g.verdict === "blocked" ? "⛔" : "✅"} ${g.name}: ${g.detail}`)
    .join("\n");
  const pairs: [string, string][] = [
    ["Load balancers (before → after)", balancers || "none found"],
    [
      "Rule",
      `\`${decision.rule}\` → ${decision.outcome}${decision.mode !== "auto" ? ` (${decision.mode} mode)` : ""}`,
    ],
  ];
  if (observed.certificate) {
    pairs.push([
      "New certificate",
      `${observed.certificate.arn}\n${observed.certificate.names.join(", ")}\nvalid until ${day(observed.certificate.notAfter)}`,
    ]);
  }
  if (observed.serving) {
    pairs.push([
      "Serving certificate",
      `${observed.serving.certificateArn}\nexpires ${day(observed.serving.notAfter)}${observed.serving.daysLeft !== undefined ? ` (${observed.serving.daysLeft} days)` : ""}`,
    ]);
  }
  if (observed.requiredHostnames.length > 0)
    pairs.push(["Hostnames to cover", observed.requiredHostnames.join(", ")]);
  if (candidates) pairs.push(["Candidates", candidates]);
  if (observed.problems.length > 0)
    pairs.push(["Problems (holding, not guessing)", observed.problems.join("\n")]);
  if (guards) pairs.push(["Guards", guards]);
  if (decision.change?.route53ChangeId !== undefined) {
    pairs.push(["DNS change", `${decision.change.route53ChangeId} ${decision.change.dnsStatus}`]);
  }
  if (observed.plan) {
    pairs.push([
      "Plan",
      `${observed.plan.id} (${observed.plan.status}), approve before ${observed.plan.expiresAt} with the override function`,
    ]);
  }
  if (decision.error) pairs.push(["Error", `${decision.error.name}: ${decision.error.message}`]);
  const blocks = [
    section(`${severityPrefix(decision.severity)} *${decision.headline}*`),
    ...fields(pairs),
    context(`cert-rotation · ${decision.trigger.kind} ${decision.trigger.source} · ${decision.at}`),
    ...(observed.plan?.status === "pending" ? [planButtons(observed.plan.id)] : []),
  ];
  return chatMessage(decision.headline, decision.severity, blocks);
}
