/** What every stored plan (a rotation, a weight change) has in common. */
export interface PendingPlanBase {
  id: string;
  createdAt: string;
  expiresAt: string;
  status: "pending" | "approved" | "applied" | "superseded";
  approval?: { author: string; reason: string; at: string };
  /** Why the plan was superseded, for the operator who looks it up. */
  note?: string;
}

export type PlanGate<P extends PendingPlanBase> =
  /** Approved, still fits the world and not expired: carry it out. */
  | { action: "execute"; plan: P }
  /** The same plan is already waiting for approval: say nothing new. */
  | { action: "keep"; plan: P }
  /** Store (and post) this plan; `refused` says why a stored approval was not honoured. */
  | { action: "store"; plan: P; superseded?: P; refused?: string };

/**
 * Plan mode's one rule, for every automation: a stored plan that still fits the world (`misfit` is
 * undefined) and has not expired is kept while pending and carried out once approved; otherwise it is
 * superseded by `fresh`, and an approval it carried is refused, saying why, never applied elsewhere.
 *
 * @example approved plan, misfit "the weights changed since it was made" -> store fresh, refused
 *   "approved plan plan-1a2b3c4d was not applied: the weights changed since it was made"
 */
export function gatePendingPlan<P extends PendingPlanBase>(
  stored: P | undefined,
  fresh: P,
  misfit: string | undefined,
  now: Date,
): PlanGate<P> {
  const open = stored !== undefined && (stored.status === "pending" || stored.status === "approved");
  if (stored === undefined || !open) return { action: "store", plan: fresh };
  const expired = Date.parse(stored.expiresAt) <= now.getTime();
  if (misfit === undefined && !expired) {
    return stored.status === "approved"
      ? { action: "execute", plan: stored }
      : { action: "keep", plan: stored };
  }
  const why = misfit ?? `it expired at ${stored.expiresAt}`;
  const superseded: P = { ...stored, status: "superseded", note: why };
  return stored.status === "approved"
    ? {
        action: "store",
        plan: fresh,
        superseded,
        refused: `approved plan ${stored.id} was not applied: ${why}`,
      }
    : { action: "store", plan: fresh, superseded };
}

/**
 * Approves a pending plan on an operator's behalf (the override function calls this). The automation
 * checks the world again when it carries the approval out.
 */
export function approvePendingPlan<P extends PendingPlanBase>(
  plan: P,
  approval: { author: string; reason: string },
  now: Date,
): { ok: true; plan: P } | { ok: false; reason: string } {
  if (plan.status !== "pending")
    return { ok: false, reason: `plan ${plan.id} is ${plan.status}, not pending` };
  if (Date.parse(plan.expiresAt) <= now.getTime()) {
    return { ok: false, reason: `plan ${plan.id} expired at ${plan.expiresAt}` };
  }
  if (approval.author.trim() === "" || approval.reason.trim() === "") {
    return { ok: false, reason: "an approval needs an author and a reason" };
  }
  return {
    ok: true,
    plan: { ...plan, status: "approved", approval: { ...approval, at: now.toISOString() } },
  };
}

/** Rejects a plan that is still open; the automation plans again on its next run unless paused. */
export function rejectPendingPlan<P extends PendingPlanBase>(
  plan: P,
  rejection: { author: string; reason: string },
): { ok: true; plan: P } | { ok: false; reason: string } {
  if (plan.status !== "pending" && plan.status !== "approved") {
    return { ok: false, reason: `plan ${plan.id} is ${plan.status}, nothing to reject` };
  }
  return {
    ok: true,
    plan: { ...plan, status: "superseded", note: `rejected by ${rejection.author}: ${rejection.reason}` },
  };
}
