import { cacheMissLoad } from "../../shared/origin-balancer/domain/cache-miss-load";
import {
  calibrate,
  calibratedSamples,
  DEFAULT_CALIBRATION_POLICY,
  type ObservedMinute,
} from "../../shared/origin-balancer/domain/calibration";
import { isFlap } from "../../shared/origin-balancer/domain/flap";
import { planWeights } from "../../shared/origin-balancer/domain/plan-weights";
import type {
  BalancerPolicy,
  BalancerState,
  CalibrationState,
  LoadSample,
  Weights,
} from "../../shared/origin-balancer/domain/types";
import { EMPTY_BALANCER_STATE } from "../../shared/origin-balancer/domain/types";
import { sameWeights, sharesToWeights, weightsToShares } from "../../shared/origin-balancer/domain/weights";
import { SEED_INTERVAL_MINUTES, SEED_WINDOW_MINUTES, seedWeights } from "./seed-policy";
import { type TraceMinute, traceSeries } from "./trace";

/**
 * The backtest simulator, documented so results can be reproduced by hand:
 * - The policy is evaluated at the start of every `intervalMinutes`-th minute (seed: every 5).
 * - It sees only complete minutes older than the metric delay: minute m is visible at evaluation time t
 *   when m + 1 + delay <= t; gap minutes are invisible. autopilot reads `windowMinutes` of them.
 * - A weight change at time t moves the real split linearly from the split in force to the new one
 *   over 60 s + TTL (Route 53 propagation, then resolver caches expire).
 * - Each origin's load in a minute = origin_requests x its real share averaged over that minute.
 * - The first origin is the capacity-bound primary; every other origin counts as elastic.
 * - `autopilot-observed` also reads the primary's observed load metric, as the simulator's own DNS model
 *   produces it: origin_requests x the primary's real share that minute (the ramp above, so TTL lag
 *   included), visible with the same metric delay; never the trace's ground truth directly. It calibrates
 *   the formula with it (shared/origin-balancer/domain/calibration.ts), settling for 60 s + TTL + delay.
 */
export interface SimulationOptions {
  policyName: "autopilot" | "autopilot-observed" | "seed";
  policy: BalancerPolicy;
  intervalMinutes: number;
  windowMinutes: number;
  metricDelayMinutes: number;
  ttlSeconds: number;
}

export interface SimulationSummary {
  overloadMinutes: number;
  overloadExcess: number;
  elasticRequests: number;
  oracleElasticRequests: number;
  changes: number;
  flaps: number;
}

export interface SimulatedMinute {
  minute: string;
  /** autopilot-observed: the calibration factor in force after this minute's evaluation. */
  calibrationFactor?: number;
  originRequests: number;
  estimatedLoad?: number;
  primaryLoad: number;
  primaryShare: number;
  weights: Weights;
}

export interface SimulationResult {
  summary: SimulationSummary;
  decisions: { minute: string; weights: Weights; rule: string; reason?: string }[];
  minutes: SimulatedMinute[];
}

/** A change whose direction reverses the previous change within this many minutes is a flap. */
export const FLAP_WINDOW_MINUTES = 15;

export function simulate(trace: readonly TraceMinute[], options: SimulationOptions): SimulationResult {
  const { policy } = options;
  const [primary, elastic] = policy.origins;
  if (primary?.capacity === undefined || elastic === undefined) {
    throw new Error("the backtest needs a capacity-bound primary origin first and at least one more origin");
  }
  const capacity = primary.capacity;
  const interval = options.policyName === "seed" ? SEED_INTERVAL_MINUTES : options.intervalMinutes;
  const window = options.policyName === "seed" ? SEED_WINDOW_MINUTES : options.windowMinutes;
  const estimated = cacheMissLoad(
    [traceSeries(trace)],
    trace.map((r) => r.minute),
    0,
  );
  const loadByIndex = new Map<number, number>();
  const indexByMinute = new Map(trace.map((row, i) => [row.minute, i]));
  for (const s of estimated.samples) loadByIndex.set(indexByMinute.get(s.minute) ?? -1, s.load);

  const initialShares = {
    [primary.setIdentifier]: 1,
    ...Object.fromEntries(policy.origins.slice(1).map((o) => [o.setIdentifier, 0])),
  };
  let weights = sharesToWeights(initialShares, policy.minWeight);
  let state: BalancerState = EMPTY_BALANCER_STATE;
  const observing = options.policyName === "autopilot-observed";
  let calibration: CalibrationState | undefined;
  let factor = 1;
  const calibrationPolicy = {
    ...DEFAULT_CALIBRATION_POLICY,
    settleMinutes: Math.ceil((60 + options.ttlSeconds) / 60) + options.metricDelayMinutes,
  };
  const ramp = new SplitRamp(
    weightsToShares(weights)[primary.setIdentifier] ?? 1,
    (60 + options.ttlSeconds) / 60,
  );
  const decisions: SimulationResult["decisions"] = [];
  const changes: { at: number; direction: number }[] = [];
  const minutes: SimulatedMinute[] = [];

  for (let t = 0; t < trace.length; t++) {
    if (t % interval === 0) {
      const newest = t - 1 - options.metricDelayMinutes;
      const samples: LoadSample[] = [];
      for (let m = Math.max(0, newest - window + 1); m <= newest; m++) {
        const load = loadByIndex.get(m);
        if (load !== undefined) samples.push({ minute: trace[m]?.minute ?? "", load });
      }
      const now = new Date(Date.parse(trace[t]?.minute ?? ""));
      let next: Weights | undefined;
      let rule = "steady";
      let reason: string | undefined;
      if (options.policyName === "seed") {
        next = seedWeights(
          samples,
          capacity,
          { primary: primary.setIdentifier, elastic: elastic.setIdentifier },
          policy.minWeight,
        );
        rule = "seed";
      } else {
        if (observing) {
          const share = weightsToShares(weights)[primary.setIdentifier] ?? 0;
          const observed: ObservedMinute[] = [];
          for (let m = Math.max(0, newest - window + 1); m <= newest; m++) {
            const load = loadByIndex.get(m);
            const served = minutes[m]?.primaryLoad;
            if (load !== undefined && served !== undefined)
              observed.push({ minute: trace[m]?.minute ?? "", predicted: load * share, observed: served });
          }
          const changedAt = changes.map((c) => trace[c.at]?.minute ?? "");
          const c = calibrate({
            minutes: observed,
            changes: changedAt,
            state: calibration,
            policy: calibrationPolicy,
          });
          calibration = c.nextState;
          factor = c.factor;
        }
        const planned = observing ? calibratedSamples(samples, factor) : samples;
        const plan = planWeights({ samples: planned, currentWeights: weights, state, policy, now });
        state = plan.nextState;
        next = plan.after;
        rule = plan.rule;
        reason = plan.reason;
      }
      if (next !== undefined && !sameWeights(next, weights)) {
        const oldShare = weightsToShares(weights)[primary.setIdentifier] ?? 0;
        const newShare = weightsToShares(next)[primary.setIdentifier] ?? 0;
        changes.push({ at: t, direction: newShare < oldShare ? 1 : -1 });
        ramp.moveTo(newShare, t);
        weights = next;
        decisions.push({ minute: trace[t]?.minute ?? "", weights: { ...weights }, rule, reason });
      }
    }
    const row = trace[t] as TraceMinute;
    const share = ramp.averageOver(t, t + 1);
    minutes.push({
      minute: row.minute,
      originRequests: row.originRequests,
      estimatedLoad: loadByIndex.get(t),
      primaryLoad: row.originRequests * share,
      primaryShare: share,
      weights: { ...weights },
      ...(observing ? { calibrationFactor: factor } : {}),
    });
  }
  return { summary: summarise(minutes, changes, capacity), decisions, minutes };
}

function summarise(
  minutes: SimulatedMinute[],
  changes: { at: number; direction: number }[],
  capacity: number,
): SimulationSummary {
  let overloadMinutes = 0;
  let overloadExcess = 0;
  let elasticRequests = 0;
  let oracleElasticRequests = 0;
  for (const m of minutes) {
    if (m.primaryLoad > capacity) {
      overloadMinutes += 1;
      overloadExcess += m.primaryLoad - capacity;
    }
    elasticRequests += m.originRequests - m.primaryLoad;
    oracleElasticRequests += Math.max(0, m.originRequests - capacity);
  }
  let flaps = 0;
  for (let i = 1; i < changes.length; i++) {
    const prev = changes[i - 1];
    const cur = changes[i];
    const minute = (c: { at: number; direction: number }) => ({
      atMs: c.at * 60_000,
      direction: c.direction,
    });
    if (cur && isFlap(prev && minute(prev), minute(cur), FLAP_WINDOW_MINUTES)) flaps += 1;
  }
  const round = Math.round;
  return {
    overloadMinutes,
    overloadExcess: round(overloadExcess),
    elasticRequests: round(elasticRequests),
    oracleElasticRequests: round(oracleElasticRequests),
    changes: changes.length,
    flaps,
  };
}

/** The primary's real share over time: linear ramps from the share in force to each new one. */
class SplitRamp {
  private from: number;
  private to: number;
  private start = Number.NEGATIVE_INFINITY;

  constructor(
    initial: number,
    private readonly durationMinutes: number,
  ) {
    this.from = initial;
    this.to = initial;
  }

  at(time: number): number {
    const progress = Math.min(1, Math.max(0, (time - this.start) / this.durationMinutes));
    return this.from + (this.to - this.from) * progress;
  }

  moveTo(share: number, time: number): void {
    this.from = this.at(time);
    this.to = share;
    this.start = time;
  }

  /** Mean share over [a, b), sampled finely enough for a piecewise-linear ramp. */
  averageOver(a: number, b: number): number {
    const steps = 12;
    let sum = 0;
    for (let i = 0; i < steps; i++) sum += this.at(a + ((i + 0.5) * (b - a)) / steps);
    return sum / steps;
  }
}
