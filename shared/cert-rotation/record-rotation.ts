import { renderIncidentNote } from "../kernel/domain/incident-message";
import { closeIncidentIfOpen, type IncidentDeps, recordInIncident } from "../kernel/incident-thread";
import type { CertDecision } from "./domain/cert-decision";
import { abandonedRotationRoute, certIncidentRoute } from "./domain/cert-rotation-incident";
import { renderCertRotationMessage } from "./domain/cert-rotation-message";
import type { CertPlan } from "./domain/plan-rotation";
import type { CertRotationState } from "./domain/types";

/**
 * Posts the decision in its rotation's thread (one thread per rotation id, closed when step (c) is read
 * back), and closes the thread of an in-flight rotation this run dropped.
 */
export async function recordRotation(
  deps: IncidentDeps,
  decision: CertDecision,
  plan: CertPlan,
  state: CertRotationState,
  slack: { post: boolean; completed: boolean },
): Promise<void> {
  const dropped = plan.clearsInFlight ? state.inFlight : undefined;
  const id = plan.rotation?.id ?? (dropped ? undefined : state.inFlight?.id);
  const route = certIncidentRoute(decision, id ? { id, completed: slack.completed } : undefined);
  await recordInIncident(decision, deps, {
    post: slack.post,
    message: renderCertRotationMessage(decision),
    route,
  });
  if (dropped !== undefined) {
    const detail = plan.guards.find((g) => g.name === "abandoned-rotation")?.detail ?? plan.reason;
    const note = renderIncidentNote(`${decision.target}: ${detail}`, "warn");
    await closeIncidentIfOpen(deps, abandonedRotationRoute(decision.target, dropped.id, detail), note);
  }
}
