import {
  approvePendingPlan,
  type PlanGate as Gate,
  gatePendingPlan,
  type PendingPlanBase,
} from "../../kernel/domain/pending-plan";
import type { CertPlan } from "./plan-rotation";
import { fingerprintOf, type PairSnapshot, type RotationStep, stableId } from "./snapshot";

/**
 * A rotation recorded for a human to approve (mode `plan`). It keeps the state it was made from, so an
 * approval given after someone changed the pair is refused instead of applied to a different world.
 */
export interface PendingRotationPlan extends PendingPlanBase {
  pair: string;
  rotationId: string;
  certificateArn: string;
  fromArn: string;
  toArn: string;
  steps: RotationStep[];
  observed: { fingerprint: string; snapshot: PairSnapshot };
}

export function createPlan(
  pair: string,
  plan: CertPlan,
  now: Date,
  expiryHours: number,
): PendingRotationPlan {
  const rotation = plan.rotation;
  if (rotation === undefined) throw new Error("only a rotation can be planned");
  const fingerprint = fingerprintOf(plan.before);
  return {
    id: stableId("plan", `${pair}|${rotation.id}|${fingerprint}|${now.toISOString()}`),
    pair,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + expiryHours * 3_600_000).toISOString(),
    status: "pending",
    rotationId: rotation.id,
    certificateArn: rotation.certificateArn,
    fromArn: rotation.fromArn,
    toArn: rotation.toArn,
    steps: plan.steps,
    observed: { fingerprint, snapshot: plan.before },
  };
}

/**
 * Approves a pending plan on an operator's behalf (the override function calls this). Refuses a plan
 * that is not pending, has expired, has no author or reason, or, when the caller passes the pair as it
 * is now, was made from a different state.
 *
 * @example plan made with iot-a green + DNS; someone rotated by hand since -> refused "the pair changed"
 */
export function approvePlan(
  plan: PendingRotationPlan,
  approval: { author: string; reason: string },
  now: Date,
  current?: PairSnapshot,
): { ok: true; plan: PendingRotationPlan } | { ok: false; reason: string } {
  if (current !== undefined && fingerprintOf(current) !== plan.observed.fingerprint) {
    return { ok: false, reason: `the pair changed since plan ${plan.id} was made` };
  }
  return approvePendingPlan(plan, approval, now);
}

export type PlanGate = Gate<PendingRotationPlan>;

/**
 * What plan mode does with a wanted rotation, given the plan stored for the pair. Same rotation and
 * same observed state means same plan; anything else replaces it, and an approval of a plan made from
 * another state or past its expiry is refused (and said so), never applied.
 */
export function gatePlan(
  stored: PendingRotationPlan | undefined,
  plan: CertPlan,
  pair: string,
  now: Date,
  expiryHours: number,
): PlanGate {
  const fresh = createPlan(pair, plan, now, expiryHours);
  const same =
    stored !== undefined &&
    stored.rotationId === fresh.rotationId &&
    stored.observed.fingerprint === fresh.observed.fingerprint;
  return gatePendingPlan(
    stored,
    fresh,
    same ? undefined : "the pair or the best certificate changed since it was made",
    now,
  );
}
