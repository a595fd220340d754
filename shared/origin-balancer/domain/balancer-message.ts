import {
  type ChatMessage,
  chatMessage,
  context,
  fields,
  section,
  severityPrefix,
} from "../../kernel/domain/chat-message";
import type { BalancerDecision } from "./balancer-decision";

const n = (x: number | undefined) => Math.round(x ?? 0).toLocaleString("en-US");
const pct = (x: number | undefined) => `${Math.round((x ?? 0) * 1000) / 10}%`;

/** Renders an origin-balancer Decision as a Slack message. Pure: snapshot-tested. */
export function renderBalancerMessage(decision: BalancerDecision): ChatMessage {
  const { observed, before, after } = decision;
  const ids = observed.origins.map((o) => o.setIdentifier);
  const split = ids
    .map(
      (id) =>
        `\`${id}\` ${before.weights[id] ?? "?"} (${pct(before.shares[id])}) → ${after.weights[id] ?? "?"} (${pct(after.shares[id])})`,
    )
    .join("\n");
  const capacities = observed.origins
    .map(
      (o) =>
        `\`${o.setIdentifier}\` ${o.capacity === undefined ? "elastic" : `${n(o.capacity)}/min at ${pct(o.targetUtilisation)}`}`,
    )
    .join("\n");
  const forecast = observed.forecast;
  const load = forecast
    ? `level ${n(forecast.level)}/min, trend ${n(forecast.trend)}/min², noise ±${n(forecast.noise)}, planning ${n(forecast.planningLoad)}/min from ${forecast.samples} minutes`
    : `${observed.samples.length} usable minutes`;
  const guards = decision.guards
    .map((g) => `${g.verdict === "blocked" ? "⛔" : "✅"} ${g.name}: ${g.detail}`)
    .join("\n");
  const excluded = observed.excluded.filter((e) => e.reason !== "settling");
  const blocks = [
    section(`${severityPrefix(decision.severity)} *${decision.headline}*`),
    ...fields([
      ["Weights (before → after)", split],
      ["Origins (capacity)", capacities],
      ["Cache-miss load", load],
      [
        "Rule",
        `\`${decision.rule}\` → ${decision.outcome}${decision.mode === "dry-run" ? " (dry run)" : ""}`,
      ],
      ...(observed.calibration
        ? ([["Observed origin load", observed.calibration.summary]] as [string, string][])
        : []),
      ...(observed.effect
        ? ([["Effect of the last change", `${observed.effect.kind}: ${observed.effect.detail}`]] as [
            string,
            string,
          ][])
        : []),
      ...(guards ? ([["Guards", guards]] as [string, string][]) : []),
      ...(excluded.length > 0
        ? ([
            ["Minutes without data", excluded.map((e) => `${e.minute.slice(11, 16)} ${e.detail}`).join("\n")],
          ] as [string, string][])
        : []),
      ...(decision.change
        ? ([["Route 53", `${decision.change.route53ChangeId} ${decision.change.status}`]] as [
            string,
            string,
          ][])
        : []),
      ...(decision.error
        ? ([["Error", `${decision.error.name}: ${decision.error.message}`]] as [string, string][])
        : []),
    ]),
    context(`origin-balancer · ${decision.trigger.kind} ${decision.trigger.source} · ${decision.at}`),
  ];
  return chatMessage(decision.headline, decision.severity, blocks);
}
