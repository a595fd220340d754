import type { BalancerPlan } from "./plan-weights";
import type { Direction, Weights } from "./types";
import { sameWeights } from "./weights";

/**
 * A weight change recorded for a human to approve (mode `plan`). It keeps the weights it was made from:
 * an approval given after the weights changed (someone edited Route 53, another plan ran) is refused and
 * a new plan is made, never applied to a different world.
 */
export interface StoredWeightPlan {
  id: string;
  automation: "origin-balancer";
  target: string;
  createdAt: string;
  expiresAt: string;
  status: "pending" | "approved" | "applied" | "superseded";
  rule: string;
  direction: Direction;
  reason: string;
  observed: Weights;
  proposed: Weights;
  approval?: { author: string; reason: string; at: string };
  note?: string;
}

export type WeightPlanGate =
  /** Approved, and the weights are still those it was made from: apply the stored proposal. */
  | { action: "execute"; plan: StoredWeightPlan }
  /** The same proposal is already waiting for approval: say nothing new. */
  | { action: "keep"; plan: StoredWeightPlan }
  /** Store (and post) this plan; `refused` says why a stored approval was not honoured. */
  | { action: "store"; plan: StoredWeightPlan; superseded?: StoredWeightPlan; refused?: string };

/**
 * What plan mode does with a wanted weight change, given the plan stored for the pool.
 *
 * @example pending plan from {primary 254, elastic 1}, weights unchanged, policy still offloading -> keep
 * @example approved plan from {primary 254, elastic 1}, weights now {primary 200, elastic 55} -> store a
 *   new plan, refused "the weights changed since it was made"
 */
export function gateWeightPlan(
  stored: StoredWeightPlan | undefined,
  plan: BalancerPlan,
  pool: string,
  now: Date,
  expiryMinutes: number,
): WeightPlanGate {
  const fresh = createWeightPlan(pool, plan, now, expiryMinutes);
  const open = stored !== undefined && (stored.status === "pending" || stored.status === "approved");
  if (stored === undefined || !open) return { action: "store", plan: fresh };
  const sameWorld = sameWeights(stored.observed, plan.before);
  const sameIntent = stored.direction === plan.direction;
  const expired = Date.parse(stored.expiresAt) <= now.getTime();
  if (sameWorld && sameIntent && !expired) {
    return stored.status === "approved"
      ? { action: "execute", plan: stored }
      : { action: "keep", plan: stored };
  }
  const why = !sameWorld
    ? "the weights changed since it was made"
    : !sameIntent
      ? "the load now calls for the opposite change"
      : `it expired at ${stored.expiresAt}`;
  const superseded: StoredWeightPlan = { ...stored, status: "superseded", note: why };
  return stored.status === "approved"
    ? {
        action: "store",
        plan: fresh,
        superseded,
        refused: `approved plan ${stored.id} was not applied: ${why}`,
      }
    : { action: "store", plan: fresh, superseded };
}

/** A pending plan that no change is wanted for any more is withdrawn, saying why. */
export function withdrawWeightPlan(stored: StoredWeightPlan): StoredWeightPlan {
  return { ...stored, status: "superseded", note: "the load no longer calls for a change" };
}

export function createWeightPlan(
  pool: string,
  plan: BalancerPlan,
  now: Date,
  expiryMinutes: number,
): StoredWeightPlan {
  if (!plan.changed || plan.direction === undefined) throw new Error("only a change can be planned");
  const createdAt = now.toISOString();
  return {
    id: planId(`${pool}|${JSON.stringify(plan.before)}|${JSON.stringify(plan.after)}|${createdAt}`),
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

/**
 * Approves a pending plan on an operator's behalf (the override function calls this). The balancer
 * checks the weights again when it executes the approval.
 */
export function approveWeightPlan(
  plan: StoredWeightPlan,
  approval: { author: string; reason: string },
  now: Date,
): { ok: true; plan: StoredWeightPlan } | { ok: false; reason: string } {
  if (plan.status !== "pending")
    return { ok: false, reason: `plan ${plan.id} is ${plan.status}, not pending` };
  if (Date.parse(plan.expiresAt) <= now.getTime()) {
    return { ok: false, reason: `plan ${plan.id} expired at ${plan.expiresAt}` };
  }
  return {
    ok: true,
    plan: { ...plan, status: "approved", approval: { ...approval, at: now.toISOString() } },
  };
}

function planId(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `plan-${hash.toString(16).padStart(8, "0")}`;
}
