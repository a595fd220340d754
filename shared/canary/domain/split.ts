import type { CanarySpec, CanarySplit, Stickiness } from "./types";

/** ALB target-group weights are integers 0–999. */
export const MAX_ALB_WEIGHT = 999;

/**
 * Weights for a canary share: the two weights add up to 1,000 so every 0.1% is exact, except at the
 * ends, where the one group that gets traffic takes the maximum weight (1,000 is out of range).
 *
 * @example 1% -> {stable 990, canary 10}; 0.1% -> {stable 999, canary 1}; 0% -> {999, 0}; 100% -> {0, 999}
 */
export function weightsFor(percent: number): { stableWeight: number; canaryWeight: number } {
  const canary = Math.round(Math.min(100, Math.max(0, percent)) * 10);
  if (canary === 0) return { stableWeight: MAX_ALB_WEIGHT, canaryWeight: 0 };
  if (canary === 1000) return { stableWeight: 0, canaryWeight: MAX_ALB_WEIGHT };
  return { stableWeight: 1000 - canary, canaryWeight: canary };
}

/**
 * The canary's share of traffic in percent, one decimal. Both weights 0 would be rejected by the ALB;
 * we read it as "no traffic to the canary".
 *
 * @example {stable 990, canary 10} -> 1; {stable 99, canary 1} -> 1; {stable 0, canary 999} -> 100
 */
export function canaryPercent(split: Pick<CanarySplit, "stableWeight" | "canaryWeight">): number {
  const total = split.stableWeight + split.canaryWeight;
  if (total === 0) return 0;
  return Math.round((split.canaryWeight / total) * 1000) / 10;
}

/** The stickiness the rule should have while the canary runs (0 seconds = off). */
export function runningStickiness(spec: Pick<CanarySpec, "stickinessSeconds">): Stickiness {
  return spec.stickinessSeconds > 0
    ? { enabled: true, durationSeconds: spec.stickinessSeconds }
    : { enabled: false };
}

/** Split of a step: the plan's share with the configured stickiness. */
export function splitForStep(spec: CanarySpec, percent: number): CanarySplit {
  return { ...weightsFor(percent), stickiness: runningStickiness(spec) };
}

/**
 * Rollback: canary weight 0 AND stickiness off in one call. Weight 0 alone does not move users pinned
 * to the canary back while their stickiness lasts (up to a day); with stickiness off they move at once.
 */
export function rollbackSplit(): CanarySplit {
  return { ...weightsFor(0), stickiness: { enabled: false } };
}

/**
 * Completion and promotion: everything on the canary group, stickiness off so users still pinned to the
 * old group move now rather than when their stickiness expires.
 */
export function fullSplit(): CanarySplit {
  return { ...weightsFor(100), stickiness: { enabled: false } };
}

/** Same traffic share (to 0.1%) — weights 10/990 and 1/99 send the same share. */
export function sameShare(a: CanarySplit, b: CanarySplit): boolean {
  return canaryPercent(a) === canaryPercent(b);
}

export function sameStickiness(a: Stickiness, b: Stickiness): boolean {
  if (a.enabled !== b.enabled) return false;
  return !a.enabled || a.durationSeconds === b.durationSeconds;
}

/** Exactly the same weights and stickiness: nothing to write. */
export function sameSplit(a: CanarySplit, b: CanarySplit): boolean {
  return (
    a.stableWeight === b.stableWeight &&
    a.canaryWeight === b.canaryWeight &&
    sameStickiness(a.stickiness, b.stickiness)
  );
}

/** Forward weights keyed by target group ARN, as the listener rule holds them. */
export interface ForwardWeights {
  weights: Record<string, number>;
  stickiness: Stickiness;
}

/**
 * Reads the canary split out of a rule's forward action. A group missing from the action gets no
 * traffic, so it reads as weight 0 (the rule forwarding only to the stable group is the baseline).
 * Returns the names of other groups that get traffic: we never act on a rule we do not fully understand.
 */
export function splitOf(
  forward: ForwardWeights,
  groups: { stableArn: string; canaryArn: string },
): { split: CanarySplit; strangers: string[] } {
  const strangers = Object.entries(forward.weights)
    .filter(([arn, weight]) => arn !== groups.stableArn && arn !== groups.canaryArn && weight > 0)
    .map(([arn]) => arn);
  return {
    split: {
      stableWeight: forward.weights[groups.stableArn] ?? 0,
      canaryWeight: forward.weights[groups.canaryArn] ?? 0,
      stickiness: forward.stickiness,
    },
    strangers,
  };
}

/**
 * The forward weights to write for a split. Other groups already in the action (at weight 0, or we would
 * not act) are kept as they are: dropping one from the rule would change what the ALB health-checks.
 */
export function forwardOf(
  split: CanarySplit,
  groups: { stableArn: string; canaryArn: string },
  current: ForwardWeights = { weights: {}, stickiness: { enabled: false } },
): ForwardWeights {
  return {
    weights: {
      ...current.weights,
      [groups.stableArn]: split.stableWeight,
      [groups.canaryArn]: split.canaryWeight,
    },
    stickiness: split.stickiness,
  };
}

export function describeSplit(split: CanarySplit): string {
  const sticky = split.stickiness.enabled
    ? `sticky ${split.stickiness.durationSeconds ?? "?"} s`
    : "not sticky";
  return `${canaryPercent(split)}% canary (weights ${split.stableWeight}/${split.canaryWeight}, ${sticky})`;
}
