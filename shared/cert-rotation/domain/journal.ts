import type { CertRotationState } from "./types";

/**
 * A Lambda invocation lives at most 15 minutes: a run that crashed without releasing its lease is
 * certainly gone once the lease runs out, and the next run may finish its rotation.
 */
export const LEASE_MINUTES = 15;

export interface RotationRef {
  id: string;
  certificateArn: string;
  fromArn: string;
  toArn: string;
}

/**
 * The in-flight record written (with optimistic concurrency) before step (a): it claims the pair for
 * this run and is what later runs use to tell an interrupted rotation from a pair someone else changed.
 * A resumed rotation keeps its original start time.
 */
export function startRotation(
  state: CertRotationState,
  rotation: RotationRef,
  now: Date,
  planId?: string,
): CertRotationState {
  const startedAt = state.inFlight?.id === rotation.id ? state.inFlight.startedAt : now.toISOString();
  const keptPlan = planId ?? (state.inFlight?.id === rotation.id ? state.inFlight.planId : undefined);
  return {
    ...state,
    inFlight: {
      ...rotation,
      startedAt,
      ...(keptPlan ? { planId: keptPlan } : {}),
      leaseUntil: new Date(now.getTime() + LEASE_MINUTES * 60_000).toISOString(),
    },
  };
}

/** A failed run keeps the in-flight record (the next run resumes) but gives up the lease at once. */
export function releaseLease(state: CertRotationState): CertRotationState {
  if (state.inFlight === undefined) return state;
  const { leaseUntil: _, ...inFlight } = state.inFlight;
  return { ...state, inFlight };
}

/** Step (c) read back: the rotation is history, and the minimum interval counts from now. */
export function completeRotation(
  state: CertRotationState,
  rotation: RotationRef,
  now: Date,
): CertRotationState {
  const { inFlight: _, episode: __, ...rest } = state;
  return { ...rest, lastRotation: { ...rotation, completedAt: now.toISOString() } };
}
