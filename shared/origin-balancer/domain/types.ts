import type { OverrideMemory } from "../../kernel/domain/override-types";
import type { PendingEffect } from "./effect-check";
/** One origin behind the weighted record set, listed in cost order (cheapest first). */
export interface OriginSpec {
  /** The Route 53 SetIdentifier of this origin's weighted record. */
  setIdentifier: string;
  /** Origin requests per minute it can serve; undefined = elastic, unbounded (only the last origin). */
  capacity?: number;
  /** Fraction of capacity we aim at when we set weights (headroom for what we cannot forecast). */
  targetUtilisation: number;
}

/** The knobs of the balancing policy. All durations are minutes. */
export interface BalancerPolicy {
  origins: OriginSpec[];
  /** Move load off an origin as soon as its projected load exceeds this fraction of its capacity. */
  engageUtilisation: number;
  /** A give-back is sized for the highest planning load of this many minutes (the forecast must allow it). */
  releaseAfterMinutes: number;
  /** A give-back raises an origin's load by at most this fraction of its capacity per change. */
  releaseStepUtilisation: number;
  /** Minimum time between two non-urgent changes. */
  cooldownMinutes: number;
  /** Non-urgent changes allowed in any 60-minute window. */
  maxChangesPerHour: number;
  /** A change that reverses the previous one's direction this soon is blocked unless urgent. */
  reversalGuardMinutes: number;
  /** Share changes smaller than this (0..1) are not worth a DNS rewrite. */
  deadBandShare: number;
  /** Weight kept on an origin that gets no share, so it stays warm (0 = cold standby). */
  minWeight: number;
  /** How far ahead the forecast looks: metric delay + evaluation interval + DNS propagation. */
  forecastHorizonMinutes: number;
  /** Safety margin on load noise, in standard deviations of the per-minute load. */
  noiseMargin: number;
  /** Usable minutes needed to decide at all; fewer is NODATA. */
  minDatapoints: number;
}

/** What the balancer remembers between runs (weights themselves are read from Route 53). */
export interface BalancerState {
  /** ISO time of each change made in the last hour, newest last, with its direction. */
  recentChanges: { at: string; direction: Direction }[];
  /** Since when every origin's projected load has stayed under the release threshold. */
  belowReleaseSince?: string;
  /**
   * Planning loads of the last `releaseAfterMinutes`, kept as a sliding maximum (each entry is larger
   * than every later one): a give-back is sized for the highest load of that period, not just the newest.
   */
  recentPeaks?: { at: string; load: number }[];
  /** The hold being reported (no-data or a blocking guard): posted to Slack once per episode. */
  heldEpisode?: string;
  /** Since when metrics have been insufficient (one Slack message per episode). */
  noDataSince?: string;
  /** The operator override obeyed on the last run: its end is announced once, on the first run after. */
  override?: OverrideMemory;
  /** The formula's correction by the observed origin metrics (absent: none configured). */
  calibration?: CalibrationState;
  /** The last applied change, until the observed load confirms (or not) that it moved as planned. */
  pendingEffect?: PendingEffect;
}

/** +1 moves load toward costlier origins (offload), -1 gives it back to cheaper ones. */
export type Direction = 1 | -1;

export const EMPTY_BALANCER_STATE: BalancerState = { recentChanges: [] };

/** Per-origin Route 53 weight, keyed by SetIdentifier. Weight 0 is a value, not "missing". */
export type Weights = Record<string, number>;

/** One complete minute of estimated cache-miss origin load. */
export interface LoadSample {
  minute: string;
  load: number;
}

/** What the balancer remembers of the calibration between runs. */
export interface CalibrationState {
  factor: number;
  /** The newest minute already taken in: each minute is counted once, however often it is re-read. */
  throughMinute?: string;
  /** The factor last said in Slack. */
  announcedFactor?: number;
}
