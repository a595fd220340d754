import type { CalibrationState, LoadSample } from "./types";

/** How the formula is corrected by what the origins really serve. */
export interface CalibrationPolicy {
  /** The factor never leaves [minFactor, maxFactor]: a broken metric cannot zero or explode the load. */
  minFactor: number;
  maxFactor: number;
  /** Time constant of the smoothing: after this many new settled minutes ~63% of a step is taken in. */
  smoothingMinutes: number;
  /**
   * A minute counts only when the weights in force had been stable this long before it: DNS
   * propagation (60 s) + TTL, so the split really was the one we compute with, + the observed
   * metric's own delay.
   */
  settleMinutes: number;
  /** A factor that moved this much since it was last said is said again (Slack). */
  announceStep: number;
}

export const DEFAULT_CALIBRATION_POLICY: Omit<CalibrationPolicy, "settleMinutes"> = Object.freeze({
  minFactor: 0.5,
  maxFactor: 2,
  smoothingMinutes: 10,
  announceStep: 0.05,
});

/** One minute of the origins that report an observed metric. */
export interface ObservedMinute {
  minute: string;
  /** Formula load x the share those origins had (the weights in force then). */
  predicted: number;
  /** What their metric says they served. */
  observed: number;
}

export type CalibrationStatus =
  | "calibrated" // new settled minutes were taken in
  | "no-new-minutes" // nothing settled since the last run: factor held
  | "weights-moving" // every new minute is too close to a weight change: factor held
  | "no-observed-data" // the observed metric has no datapoint in the window: factor held, said
  | "not-configured"; // no origin of the pool has an observed metric: factor 1, behaviour as before

export interface Calibration {
  status: CalibrationStatus;
  /** The factor the formula load is multiplied by this run. */
  factor: number;
  /** Observed / predicted over this run's new settled minutes, before smoothing and bounds. */
  estimate?: number;
  /** New settled minutes used this run. */
  usedMinutes: number;
  /** New minutes left out because the weights moved within settleMinutes before them. */
  movingMinutes: number;
  /** The estimate was outside [minFactor, maxFactor]: the factor stops at the bound. */
  bounded?: "min" | "max";
  /** The factor moved by announceStep or more since it was last said: worth a Slack line. */
  moved: boolean;
  nextState: CalibrationState;
}

/**
 * Corrects the CloudFront formula with the origins' own load: factor = observed / predicted, over
 * settled minutes only, smoothed and bounded.
 *
 * A minute is settled when the last weight change (`changes`: the recent ones) happened at least
 * `settleMinutes` before it started: during a move the real split is neither the old one nor the new
 * one, so its ratio would read the DNS lag as a formula bias. New settled minutes are taken in
 * as a ratio of sums (a quiet minute weighs less than a busy one) with an exponential smoothing whose
 * weight grows with the number of minutes: alpha = 1 - exp(-n / smoothingMinutes).
 *
 * @example factor 1.00, 5 new settled minutes of predicted 6,000 and observed 6,900 (estimate 1.15),
 *   smoothing 10 min -> alpha 0.39 -> factor 1.06
 */
export function calibrate(input: {
  minutes: readonly ObservedMinute[];
  changes: readonly string[];
  state: CalibrationState | undefined;
  policy: CalibrationPolicy;
}): Calibration {
  const { policy } = input;
  const previous = input.state ?? { factor: 1 };
  const held = (status: CalibrationStatus, extra: Partial<Calibration> = {}): Calibration => ({
    status,
    factor: previous.factor,
    usedMinutes: 0,
    movingMinutes: 0,
    moved: false,
    nextState: previous,
    ...extra,
  });
  if (input.minutes.length === 0) return held("no-observed-data");
  const through =
    previous.throughMinute === undefined ? Number.NEGATIVE_INFINITY : Date.parse(previous.throughMinute);
  const fresh = input.minutes
    .filter((m) => Date.parse(m.minute) > through)
    .sort((a, b) => (a.minute < b.minute ? -1 : 1));
  if (fresh.length === 0) return held("no-new-minutes");
  const changes = input.changes.map((c) => Date.parse(c));
  const settled = fresh.filter((m) => isSettled(Date.parse(m.minute), changes, policy.settleMinutes));
  const movingMinutes = fresh.length - settled.length;
  const predicted = settled.reduce((sum, m) => sum + m.predicted, 0);
  const observed = settled.reduce((sum, m) => sum + m.observed, 0);
  // Only settled minutes advance the mark: a minute skipped while the weights moved stays skipped.
  const newest = settled.at(-1)?.minute;
  if (settled.length === 0 || !(predicted > 0) || newest === undefined) {
    return held("weights-moving", { movingMinutes });
  }
  const estimate = observed / predicted;
  const alpha = 1 - Math.exp(-settled.length / policy.smoothingMinutes);
  const smoothed = previous.factor + alpha * (estimate - previous.factor);
  const factor = Math.min(policy.maxFactor, Math.max(policy.minFactor, smoothed));
  const bounded = smoothed > policy.maxFactor ? "max" : smoothed < policy.minFactor ? "min" : undefined;
  const announced = previous.announcedFactor ?? 1;
  const moved = Math.abs(factor - announced) >= policy.announceStep;
  return {
    status: "calibrated",
    factor,
    estimate,
    usedMinutes: settled.length,
    movingMinutes,
    ...(bounded ? { bounded } : {}),
    moved,
    nextState: { factor, throughMinute: newest, announcedFactor: moved ? factor : announced },
  };
}

/**
 * Settled: every weight change happened at least `settleMinutes` before the minute started. A minute
 * before a change is not settled either: its split was the old one, and `predicted` is computed with
 * the weights in force now.
 */
function isSettled(minuteStart: number, changes: readonly number[], settleMinutes: number): boolean {
  return changes.every((c) => c <= minuteStart - settleMinutes * 60_000);
}

/** The formula load corrected by the factor: what the policy plans with. */
export function calibratedSamples(samples: readonly LoadSample[], factor: number): LoadSample[] {
  return samples.map((s) => ({ minute: s.minute, load: s.load * factor }));
}

/** One line for a Decision or Slack: "calibration x1.12 (observed/formula 1.15 over 5 settled min)". */
export function describeCalibration(c: Calibration): string {
  const f = `x${c.factor.toFixed(2)}`;
  switch (c.status) {
    case "calibrated":
      return `calibration ${f} (observed/formula ${c.estimate?.toFixed(2)} over ${c.usedMinutes} settled min${c.movingMinutes > 0 ? `, ${c.movingMinutes} left out while weights moved` : ""}${c.bounded ? `, held at the ${c.bounded} bound` : ""})`;
    case "no-new-minutes":
      return `calibration ${f} (no new settled minute)`;
    case "weights-moving":
      return `calibration ${f} held: weights moved within the settle time of every new minute`;
    case "no-observed-data":
      return `calibration ${f} held: the observed origin metric has no datapoint`;
    case "not-configured":
      return "no observed origin metric: formula only";
  }
}
