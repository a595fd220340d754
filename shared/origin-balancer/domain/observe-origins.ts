import {
  type Calibration,
  type CalibrationPolicy,
  calibrate,
  calibratedSamples,
  describeCalibration,
  type ObservedMinute,
} from "./calibration";
import { checkEffect, type EffectMinute, type EffectVerdict, type PendingEffect } from "./effect-check";
import type { BalancerState, LoadSample, Weights } from "./types";
import { weightsToShares } from "./weights";

export interface ObservedOriginsInput {
  /** SetIdentifiers of the origins that have an observed metric (empty: the formula alone, as before). */
  observedOrigins: readonly string[];
  /** The formula load per usable minute. */
  samples: readonly LoadSample[];
  /** Per SetIdentifier, the observed metric by ISO minute. */
  observed: Readonly<Record<string, ReadonlyMap<string, number>>>;
  weights: Weights;
  state: BalancerState;
  policy: Omit<CalibrationPolicy, "settleMinutes"> & { metricDelayMinutes: number };
  /** The records' TTL: a change is fully in force 60 s + TTL after INSYNC. */
  ttlSeconds: number;
  now: Date;
}

export interface ObservedOrigins {
  calibration: Calibration;
  /** The samples the policy plans with: the formula load x the factor. */
  samples: LoadSample[];
  effect?: EffectVerdict;
  /** The state with this run's calibration and the pending effect check (cleared once answered). */
  state: BalancerState;
  /** Share of the observed origins at the given weights: what a change's effect is checked against. */
  shareOf(weights: Weights): number;
  settleMinutes: number;
}

/**
 * Reads the origins' observed load against the formula: calibrates it (settled minutes only) and
 * answers a pending effect check. Without any observed metric it changes nothing: factor 1, no check.
 *
 * @example primary has RequestCount, weights {primary 255, elastic 0}, formula 6,000/min, observed
 *   6,900/min for 10 settled minutes, factor 1 -> estimate 1.15, factor 1.10, samples x1.10
 */
export function observeOrigins(input: ObservedOriginsInput): ObservedOrigins {
  const { observedOrigins, state, policy, now } = input;
  const settleMinutes = Math.ceil((60 + input.ttlSeconds) / 60) + policy.metricDelayMinutes;
  const shareOf = (weights: Weights) => {
    const shares = weightsToShares(weights);
    return observedOrigins.reduce((sum, id) => sum + (shares[id] ?? 0), 0);
  };
  if (observedOrigins.length === 0) {
    const { calibration: _, pendingEffect: __, ...rest } = state;
    return {
      calibration: {
        status: "not-configured",
        factor: 1,
        usedMinutes: 0,
        movingMinutes: 0,
        moved: false,
        nextState: { factor: 1 },
      },
      samples: [...input.samples],
      state: rest,
      shareOf,
      settleMinutes,
    };
  }
  // The observed metric's newest minutes are still being filled in: they would read as a drop.
  const complete = now.getTime() - (1 + policy.metricDelayMinutes) * 60_000;
  const both: EffectMinute[] = input.samples.flatMap((s) => {
    if (Date.parse(s.minute) > complete) return [];
    let observed = 0;
    for (const id of observedOrigins) {
      const value = input.observed[id]?.get(s.minute);
      // A minute counts only if every observed origin reported it: a gap is no data, never zero load.
      if (value === undefined) return [];
      observed += value;
    }
    return [{ minute: s.minute, formula: s.load, observed }];
  });
  const shareNow = shareOf(input.weights);
  const minutes: ObservedMinute[] = both.map((m) => ({
    minute: m.minute,
    predicted: m.formula * shareNow,
    observed: m.observed,
  }));
  const calibration = calibrate({
    minutes,
    changes: state.recentChanges.map((c) => c.at),
    state: state.calibration,
    policy: { ...policy, settleMinutes },
  });
  const effect = state.pendingEffect
    ? checkEffect({ pending: state.pendingEffect, minutes: both, settleMinutes, graceMinutes: 10, now })
    : undefined;
  const { pendingEffect, ...rest } = state;
  const keepPending = effect?.kind === "pending" && pendingEffect !== undefined;
  return {
    calibration,
    samples: calibratedSamples(input.samples, calibration.factor),
    ...(effect ? { effect } : {}),
    state: { ...rest, calibration: calibration.nextState, ...(keepPending ? { pendingEffect } : {}) },
    shareOf,
    settleMinutes,
  };
}

/** The Decision's view of the calibration. */
export function calibrationView(c: Calibration) {
  return {
    status: c.status,
    factor: c.factor,
    ...(c.estimate !== undefined ? { estimate: c.estimate } : {}),
    usedMinutes: c.usedMinutes,
    summary: describeCalibration(c),
  };
}

export type { PendingEffect };
