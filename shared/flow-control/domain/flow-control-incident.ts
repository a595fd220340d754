import { type IncidentRoute, louder, withoutPrefix } from "../../kernel/domain/incident";
import { incidentKeys } from "../../kernel/domain/parameter-layout";
import type { FlowDecision } from "./flow-control-decision";
import type { FlowPlan } from "./plan-flow-control";
import type { FlowMode } from "./types";

const ENGAGED = new Set<FlowMode | undefined>(["closed", "admitting"]);

/**
 * Where a flow-control decision goes in Slack. One incident per fleet: engaging (open -> closed or
 * admitting) opens it, admission changes, holds and partial failures reply in it, the release that leaves
 * the fleet open closes it. A decision about a fleet that is not engaged (a hold or a failure while open)
 * only joins an incident that is still open (a release that failed half-way); an alarm no fleet maps is
 * no incident at all (undefined: posted alone), and neither is a dry run: it stores nothing, not even a
 * thread, and every notification is judged afresh.
 *
 * @example closed since 20:04 (warn), admit 20 at 20:20 -> continues, root "admission set to 20 new users/s";
 *   release applied at 20:31 -> closes, root "flow control released — 6/6 instances open" (info)
 */
export function flowIncidentRoute(
  decision: FlowDecision,
  plan: Pick<FlowPlan, "before" | "intent"> | undefined,
): IncidentRoute | undefined {
  const fleet = decision.observed.fleet;
  if (fleet === undefined || decision.mode !== "auto") return undefined;
  const wanted = plan?.intent?.mode;
  const wasEngaged = ENGAGED.has(plan?.before?.mode);
  const engaged = wasEngaged || ENGAGED.has(wanted);
  const closes = wanted === "open" && decision.outcome === "applied";
  return {
    key: incidentKeys.fleet(fleet.name),
    title: `Flow control · ${decision.target}`,
    headline: withoutPrefix(decision.headline, `${decision.target}: `),
    // Visitors are turned away while the fleet is engaged: the root stays at least yellow until released.
    severity: engaged && !closes ? louder(decision.severity, "warn") : decision.severity,
    // A notification that changed nothing (e.g. dated in the future) joins an open thread, never opens one.
    opens: engaged && !closes && decision.outcome !== "ignored",
    closes,
    // Engaging an open fleet is a new incident, whatever an old thread still says.
    restarts: !wasEngaged && ENGAGED.has(wanted),
  };
}
