import type { StoredOverride } from "../../kernel/domain/override-types";
import { memoryOf } from "../../kernel/domain/resolve-override";
import type { BalancerPlan } from "./plan-weights";
import type { BalancerState } from "./types";
import { sameWeights } from "./weights";

/**
 * Lets an operator's override take the wheel from the policy's plan, and remembers it so its end is
 * announced once. The policy still runs underneath (its forecast and reason stay in the Decision, so the
 * operator sees what the automation would have done), but its change is not counted as made.
 *
 * - pin: the plan becomes "hold these weights"; guards do not apply (the operator is the guard). Set
 *   identifiers the pool no longer has are ignored; origins the pin does not name keep their weight.
 * - pause: no change; the Decision says what the policy wanted.
 *
 * @example policy wants offload {primary 163, elastic 92}, pin {primary 128, elastic 127}, weights
 *   {primary 254, elastic 1} -> override-pin, after {primary 128, elastic 127}, changed
 */
export function obeyOverride(plan: BalancerPlan, override: StoredOverride | undefined): BalancerPlan {
  const policyState = policyStateWithoutChange(plan);
  if (override === undefined) {
    const { override: _, ...rest } = plan.nextState;
    return { ...plan, nextState: rest };
  }
  const nextState: BalancerState = { ...policyState, override: memoryOf(override) };
  const wanted = plan.changed ? ` (the policy wanted ${plan.rule}: ${plan.reason})` : "";
  if (override.action.kind === "pin") {
    const after = { ...plan.before };
    for (const [id, weight] of Object.entries(override.action.weights)) {
      if (after[id] !== undefined) after[id] = weight;
    }
    return {
      ...plan,
      rule: "override-pin",
      after,
      changed: !sameWeights(after, plan.before),
      urgent: false,
      guards: [],
      nextState,
      reason: `weights pinned by ${override.author} until ${override.expiresAt}: ${override.reason}${wanted}`,
    };
  }
  return {
    ...plan,
    rule: "override-pause",
    after: plan.before,
    changed: false,
    urgent: false,
    guards: [],
    nextState,
    reason: `paused by ${override.author} until ${override.expiresAt}: ${override.reason}${wanted}`,
  };
}

/** The policy's own memory, minus the change it planned but will not make while overridden. */
function policyStateWithoutChange(plan: BalancerPlan): BalancerState {
  if (!plan.changed) return plan.nextState;
  return { ...plan.nextState, recentChanges: plan.nextState.recentChanges.slice(0, -1) };
}
