import { stableId } from "../../kernel/domain/ids";
import {
  approvePendingPlan,
  gatePendingPlan,
  type PendingPlanBase,
  type PlanGate,
} from "../../kernel/domain/pending-plan";
import type { BalancerPlan } from "./plan-weights";
import type { Direction, Weights } from "./types";
import { sameWeights } from "./weights";

/**
 * A weight change recorded for a human to approve (mode `plan`). It keeps the weights it was made from:
 * an approval given after the weights changed (someone edited Route 53, another plan ran) is refused and
 * a new plan is made, never applied to a different world.
 */
export interface PendingWeightPlan extends PendingPlanBase {
  automation: "origin-balancer";
  target: string;
  rule: string;
  direction: Direction;
  reason: string;
  observed: Weights;
  proposed: Weights;
}

export type WeightPlanGate = PlanGate<PendingWeightPlan>;

/**
 * What plan mode does with a wanted weight change, given the plan stored for the pool.
 *
 * @example pending plan from {primary 254, elastic 1}, weights unchanged, policy still offloading -> keep
 * @example approved plan from {primary 254, elastic 1}, weights now {primary 200, elastic 55} -> store a
 *   new plan, refused "the weights changed since it was made"
 */
export function gateWeightPlan(
  stored: PendingWeightPlan | undefined,
  plan: BalancerPlan,
  pool: string,
  now: Date,
  expiryMinutes: number,
): WeightPlanGate {
  const fresh = createWeightPlan(pool, plan, now, expiryMinutes);
  const misfit =
    stored === undefined
      ? undefined
      : !sameWeights(stored.observed, plan.before)
        ? "the weights changed since it was made"
        : stored.direction !== plan.direction
          ? "the load now calls for the opposite change"
          : undefined;
  return gatePendingPlan(stored, fresh, misfit, now);
}

/** A pending plan that no change is wanted for any more is withdrawn, saying why. */
export function withdrawWeightPlan(stored: PendingWeightPlan): PendingWeightPlan {
  return { ...stored, status: "superseded", note: "the load no longer calls for a change" };
}

export function createWeightPlan(
  pool: string,
  plan: BalancerPlan,
  now: Date,
  expiryMinutes: number,
): PendingWeightPlan {
  if (!plan.changed || plan.direction === undefined) throw new Error("only a change can be planned");
  const createdAt = now.toISOString();
  return {
    id: stableId("plan", `${pool}|${JSON.stringify(plan.before)}|${JSON.stringify(plan.after)}|${createdAt}`),
    automation: "origin-balancer",
    target: pool,
    createdAt,
    expiresAt: new Date(now.getTime() + expiryMinutes * 60_000).toISOString(),
    status: "pending",
    rule: plan.rule,
    direction: plan.direction,
    reason: plan.reason,
    observed: { ...plan.before },
    proposed: { ...plan.after },
  };
}

/** Approves a pending plan on an operator's behalf; the balancer checks the weights when it executes it. */
export function approveWeightPlan(
  plan: PendingWeightPlan,
  approval: { author: string; reason: string },
  now: Date,
): { ok: true; plan: PendingWeightPlan } | { ok: false; reason: string } {
  return approvePendingPlan(plan, approval, now);
}
