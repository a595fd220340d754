import type { CertPlan } from "./plan-rotation";
import { fingerprintOf, type PairSnapshot, type RotationStep, stableId } from "./snapshot";

/**
 * A rotation recorded for a human to approve (mode `plan`). It keeps the state it was made from, so an
 * approval given after someone changed the pair is refused instead of applied to a different world.
 */
export interface StoredPlan {
  id: string;
  pair: string;
  createdAt: string;
  expiresAt: string;
  status: "pending" | "approved" | "applied" | "superseded";
  rotationId: string;
  certificateArn: string;
  fromArn: string;
  toArn: string;
  steps: RotationStep[];
  observed: { fingerprint: string; snapshot: PairSnapshot };
  approval?: { author: string; reason: string; at: string };
  /** Why the plan was superseded, for the operator who looks it up. */
  note?: string;
}

export function createPlan(pair: string, plan: CertPlan, now: Date, expiryHours: number): StoredPlan {
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
  plan: StoredPlan,
  approval: { author: string; reason: string },
  now: Date,
  current?: PairSnapshot,
): { ok: true; plan: StoredPlan } | { ok: false; reason: string } {
  if (plan.status !== "pending")
    return { ok: false, reason: `plan ${plan.id} is ${plan.status}, not pending` };
  if (Date.parse(plan.expiresAt) <= now.getTime()) {
    return { ok: false, reason: `plan ${plan.id} expired at ${plan.expiresAt}` };
  }
  if (approval.author.trim() === "" || approval.reason.trim() === "") {
    return { ok: false, reason: "an approval needs an author and a reason" };
  }
  if (current !== undefined && fingerprintOf(current) !== plan.observed.fingerprint) {
    return { ok: false, reason: `the pair changed since plan ${plan.id} was made` };
  }
  return {
    ok: true,
    plan: { ...plan, status: "approved", approval: { ...approval, at: now.toISOString() } },
  };
}

export type PlanGate =
  /** An approved plan matches the world: apply it. */
  | { action: "execute"; plan: StoredPlan }
  /** The same plan is already waiting for approval: do not post it again. */
  | { action: "keep"; plan: StoredPlan }
  /** Store (and post) this new plan; `refused` says why a stored approval was not honoured. */
  | { action: "store"; plan: StoredPlan; superseded?: StoredPlan; refused?: string };

/**
 * What plan mode does with a wanted rotation, given the plan stored for the pair. Same rotation and
 * same observed state means same plan; anything else replaces it, and an approval of a plan made from
 * another state or past its expiry is refused (and said so), never applied.
 */
export function gatePlan(
  stored: StoredPlan | undefined,
  plan: CertPlan,
  pair: string,
  now: Date,
  expiryHours: number,
): PlanGate {
  const fresh = createPlan(pair, plan, now, expiryHours);
  const open = stored !== undefined && (stored.status === "pending" || stored.status === "approved");
  if (stored === undefined || !open) return { action: "store", plan: fresh };
  const same =
    stored.rotationId === fresh.rotationId && stored.observed.fingerprint === fresh.observed.fingerprint;
  const expired = Date.parse(stored.expiresAt) <= now.getTime();
  if (same && !expired)
    return stored.status === "approved"
      ? { action: "execute", plan: stored }
      : { action: "keep", plan: stored };
  const why = !same
    ? "the pair or the best certificate changed since it was made"
    : `it expired at ${stored.expiresAt}`;
  const superseded: StoredPlan = { ...stored, status: "superseded", note: why };
  return stored.status === "approved"
    ? {
        action: "store",
        plan: fresh,
        superseded,
        refused: `approved plan ${stored.id} was not applied: ${why}`,
      }
    : { action: "store", plan: fresh, superseded };
}
