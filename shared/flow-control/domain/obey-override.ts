import type { StoredOverride } from "../../kernel/domain/override-types";
import type { OverrideTransition } from "../../kernel/domain/resolve-override";
import { describeIntent, sameIntent } from "./intent";
import type { FlowPlan } from "./plan-flow-control";
import type { FleetState, FlowIntent } from "./types";

const OPEN: FlowIntent = { mode: "open", admitRate: 0 };

/**
 * Lets an operator's override take the wheel from the alarm-driven plan. The alarms are still tracked
 * (the plan's next state is stored as usual), so when the override ends the fleet goes back to the
 * intent the alarms call for at that moment, not to a stale one.
 *
 * - force: every run sends the forced mode (flowctl is idempotent: instances already serving it change
 *   nothing); guards do not apply, the operator is the guard.
 * - pause: nothing is sent, not even a converge re-send.
 * - ended (expired or cleared): the automation's intent is sent again at once, not at the next alarm.
 *
 * @example alarms say closed, force open by alice until 21:00 -> override-force, send open
 * @example force ended, the alarms' intent is admitting 20 -> override-ended, send admitting 20
 */
export function obeyFleetOverride(
  plan: FlowPlan,
  override: StoredOverride | undefined,
  transition: OverrideTransition,
  state: FleetState | undefined,
): FlowPlan {
  const wanted =
    plan.action === "apply" && plan.intentChanged
      ? ` (the alarms call for ${describeIntent(plan.intent)}: ${plan.rule})`
      : "";
  if (override?.action.kind === "force") {
    const forced = { mode: override.action.mode, admitRate: override.action.admitRate };
    const before = transition.kind === "continues" ? forced : plan.before;
    return {
      ...plan,
      action: "apply",
      rule: "override-force",
      before,
      intent: forced,
      intentChanged: !sameIntent(before, forced),
      guards: [],
      reason: `${describeIntent(forced)} forced by ${override.author} until ${override.expiresAt}: ${override.reason}${wanted}`,
    };
  }
  if (override !== undefined) {
    if (plan.action === "ignore") return plan;
    return {
      ...plan,
      action: "hold",
      rule: "override-pause",
      intentChanged: false,
      guards: [],
      reason: `paused by ${override.author} until ${override.expiresAt}: ${override.reason}${wanted}`,
    };
  }
  if (transition.kind !== "ended" || plan.action === "apply") return plan;
  const intent = plan.nextState?.intent ?? state?.intent ?? OPEN;
  return {
    ...plan,
    action: "apply",
    rule: "override-ended",
    intent,
    intentChanged: true,
    guards: [],
    reason: `back to the automation's intent: ${describeIntent(intent)}`,
  };
}
