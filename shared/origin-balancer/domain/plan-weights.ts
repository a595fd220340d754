import type { Guard } from "../../kernel/domain/decision";
import { fillForecast } from "./fill-origins";
import { isFlap } from "./flap";
import { forecastLoad, type LoadForecast } from "./load-forecast";
import type { BalancerPolicy, BalancerState, Direction, LoadSample, OriginSpec, Weights } from "./types";
import { sameWeights, sharesToWeights, weightsToShares } from "./weights";

export type BalancerRule =
  | "no-data" // too few usable minutes: hold, never read as zero load
  | "offload" // an origin is (about to be) over its engage threshold: move load to the next one now
  | "give-back" // load stayed low long enough: return a bounded step to the cheaper origin
  | "within-band" // the plan wants more on a costlier origin, but under the engage threshold: held
  | "steady" // the weights already match the plan
  | "override-pin" // an operator pinned the weights: they are held, whatever the load
  | "override-pause"; // an operator paused the balancer: nothing changes

export interface BalancerPlan {
  rule: BalancerRule;
  before: Weights;
  after: Weights;
  changed: boolean;
  /** Offload that must not wait: an origin's projected load exceeds its capacity. */
  urgent: boolean;
  direction?: Direction;
  forecast?: LoadForecast;
  /** Projected requests/min per origin at the current weights. */
  projectedLoad?: Record<string, number>;
  guards: Guard[];
  nextState: BalancerState;
  reason: string;
}

export interface BalancerInput {
  samples: readonly LoadSample[];
  currentWeights: Weights;
  state: BalancerState;
  policy: BalancerPolicy;
  now: Date;
}

const MINUTE = 60_000;

/**
 * Decides the Route 53 weights of one origin pool.
 *
 * The cost rule: a cheaper origin is filled until its planning load (expected + noiseMargin standard
 * deviations of the per-minute load) reaches its capacity, or its expected load reaches
 * capacity x targetUtilisation, whichever comes first (`fillForecast`); only the rest is sent to the
 * costlier origin. Elastic share is therefore bought for the load the forecast says would not fit, and
 * nothing more: it is earned minute by minute.
 *
 * Offload is immediate: in the first evaluation whose forecast puts an origin over its engage threshold
 * (bypassing cooldown, cap and reversal guard only when the expected load alone exceeds capacity).
 * Give-back is as soon as the forecast allows: when the highest planning load of the last
 * `releaseAfterMinutes` fits more on the cheaper origin, in steps of at most `releaseStepUtilisation` of
 * its capacity, never within the reversal guard of an offload (a flap). A dead band, a cooldown and a cap
 * on changes per hour keep DNS quiet.
 *
 * @example capacity 6,000 at 85%, engage 95%, noise margin 1, weights {primary 254, elastic 1}, an hour
 *   alternating 6,380 / 4,620: expected 5,457/min, noise 895 -> planning 6,351/min; primary projected 6,326
 *   > 5,700 -> offload; bound min(6,000, 5,100 x 6,351 / 5,457 = 5,936) -> {primary 238, elastic 17}
 */
export function planWeights(input: BalancerInput): BalancerPlan {
  const { samples, currentWeights, policy, now } = input;
  const state = pruneState(input.state, now);
  const before = { ...currentWeights };
  const hold = (rule: BalancerRule, reason: string, extra: Partial<BalancerPlan> = {}): BalancerPlan => ({
    rule,
    before,
    after: before,
    changed: false,
    urgent: false,
    guards: [],
    nextState: state,
    reason,
    ...extra,
  });

  if (samples.length < policy.minDatapoints) {
    const { belowReleaseSince: _, ...rest } = state;
    return hold("no-data", `${samples.length} usable minutes, ${policy.minDatapoints} needed: weights held`, {
      nextState: { ...rest, noDataSince: state.noDataSince ?? now.toISOString() },
    });
  }
  const forecast = forecastLoad(samples, policy.forecastHorizonMinutes, policy.noiseMargin);
  const { noDataSince: _, ...withoutNoData } = state;
  const withData = {
    ...withoutNoData,
    recentPeaks: slidingPeaks(state.recentPeaks, forecast.planningLoad, now, policy),
  };
  const current = weightsToShares(pick(currentWeights, policy.origins));
  const projectedLoad = mapOrigins(
    policy.origins,
    (o) => (current[o.setIdentifier] ?? 0) * forecast.planningLoad,
  );
  const bounded = policy.origins.flatMap((o) =>
    o.capacity === undefined ? [] : [{ ...o, capacity: o.capacity }],
  );
  const over = bounded.filter(
    (o) => (projectedLoad[o.setIdentifier] ?? 0) > o.capacity * policy.engageUtilisation,
  );
  // Urgent means the expected load alone (no noise margin) overloads an origin: only then may a change
  // skip the cooldown, the hourly cap and the reversal guard.
  const urgent = bounded.some((o) => (current[o.setIdentifier] ?? 0) * forecast.expectedLoad > o.capacity);
  const common = { forecast, projectedLoad };

  if (over.length > 0) {
    const target = fillForecast(policy.origins, forecast.expectedLoad, forecast.planningLoad).shares;
    const names = over.map((o) => `${o.setIdentifier} ${fmt(projectedLoad[o.setIdentifier])}/min`).join(", ");
    return change(
      { ...input, state: clearRelease(withData) },
      "offload",
      target,
      urgent,
      `projected ${names} over ${pct(policy.engageUtilisation)} of capacity (level ${fmt(forecast.level)}, trend ${fmt(forecast.trend)}/min, noise ${fmt(forecast.noise)})`,
      common,
    );
  }

  // Give-back is sized for the highest planning load of the last releaseAfterMinutes, with today's
  // noise margin: load returns to the cheaper origin as soon as that peak fits, not after a fixed wait.
  const peak = Math.max(forecast.planningLoad, ...withData.recentPeaks.map((p) => p.load));
  const margin = forecast.planningLoad - forecast.expectedLoad;
  const target = fillForecast(policy.origins, Math.max(0, peak - margin), peak).shares;
  const wantsGiveBack = direction(current, target, policy.origins) === -1;
  if (!wantsGiveBack) {
    const rule = directionOrSteady(current, target, policy);
    const reason =
      rule === "steady"
        ? "weights match the plan"
        : `projected load under the engage threshold (${pct(policy.engageUtilisation)}): hysteresis holds the weights`;
    return hold(rule, reason, { ...common, nextState: clearRelease(withData) });
  }
  const stepped = stepToward(current, target, policy, peak);
  return change(
    { ...input, state: clearRelease(withData) },
    "give-back",
    stepped,
    false,
    `the highest load of the last ${policy.releaseAfterMinutes} minutes (${fmt(peak)}/min) fits more on the cheaper origin`,
    common,
  );
}

/** Applies dead band, cooldown and hourly cap to a wanted change and builds the plan. */
function change(
  input: BalancerInput,
  rule: BalancerRule,
  targetShares: Record<string, number>,
  urgent: boolean,
  reason: string,
  common: Pick<BalancerPlan, "forecast" | "projectedLoad">,
): BalancerPlan {
  const { currentWeights, policy, now, state } = input;
  const before = { ...currentWeights };
  const current = weightsToShares(pick(currentWeights, policy.origins));
  const after = sharesToWeights(targetShares, policy.minWeight);
  const dir = direction(current, weightsToShares(after), policy.origins);
  const guards: Guard[] = [];
  const block = (name: string, detail: string): BalancerPlan => ({
    rule,
    before,
    after: before,
    changed: false,
    urgent,
    guards: [...guards, { name, verdict: "blocked", detail }],
    nextState: state,
    reason,
    ...common,
  });

  const largestMove = Math.max(
    ...policy.origins.map((o) => Math.abs(share(after, o) - (current[o.setIdentifier] ?? 0))),
  );
  if (sameWeights(pick(before, policy.origins), after) || dir === undefined) {
    return { ...block("dead-band", "weights already at plan"), guards: [], rule: "steady" };
  }
  if (!urgent && largestMove < policy.deadBandShare) {
    return block("dead-band", `largest share move ${pct(largestMove)} < ${pct(policy.deadBandShare)}`);
  }
  const last = state.recentChanges.at(-1);
  const sinceLast =
    last === undefined ? Number.POSITIVE_INFINITY : (now.getTime() - Date.parse(last.at)) / MINUTE;
  const reverses = isFlap(
    last && { atMs: Date.parse(last.at), direction: last.direction },
    { atMs: now.getTime(), direction: dir },
    policy.reversalGuardMinutes,
  );
  if (last !== undefined && reverses) {
    const detail = `would reverse the change made ${Math.round(sinceLast)} min ago (guard ${policy.reversalGuardMinutes} min)`;
    if (!urgent) return block("reversal", detail);
    guards.push({
      name: "reversal",
      verdict: "passed",
      detail: `bypassed (${detail}): origin projected over capacity`,
    });
  }
  if (sinceLast < policy.cooldownMinutes) {
    if (!urgent)
      return block(
        "cooldown",
        `last change ${Math.round(sinceLast)} min ago, cooldown ${policy.cooldownMinutes} min`,
      );
    guards.push({ name: "cooldown", verdict: "passed", detail: "bypassed: origin projected over capacity" });
  }
  if (state.recentChanges.length >= policy.maxChangesPerHour) {
    const detail = `${state.recentChanges.length} changes in the last hour, cap ${policy.maxChangesPerHour}`;
    if (!urgent) return block("max-changes-per-hour", detail);
    guards.push({
      name: "max-changes-per-hour",
      verdict: "passed",
      detail: `bypassed (${detail}): origin projected over capacity`,
    });
  }
  const recentChanges = [...state.recentChanges, { at: now.toISOString(), direction: dir }];
  const nextState: BalancerState =
    dir === 1 ? { ...clearRelease(state), recentChanges } : { ...state, recentChanges };
  return { rule, before, after, changed: true, urgent, direction: dir, guards, nextState, reason, ...common };
}

/** Moves from current toward target, raising no origin's load by more than releaseStep x its capacity. */
function stepToward(
  current: Record<string, number>,
  target: Record<string, number>,
  policy: BalancerPolicy,
  load: number,
): Record<string, number> {
  let fraction = 1;
  for (const origin of policy.origins) {
    const rise = ((target[origin.setIdentifier] ?? 0) - (current[origin.setIdentifier] ?? 0)) * load;
    if (origin.capacity !== undefined && rise > 0) {
      fraction = Math.min(fraction, (origin.capacity * policy.releaseStepUtilisation) / rise);
    }
  }
  return mapOrigins(policy.origins, (o) => {
    const from = current[o.setIdentifier] ?? 0;
    return from + ((target[o.setIdentifier] ?? 0) - from) * fraction;
  });
}

/** +1 when the split moves toward costlier origins, -1 toward cheaper ones, undefined when equal. */
function direction(
  from: Record<string, number>,
  to: Record<string, number>,
  origins: readonly OriginSpec[],
): Direction | undefined {
  const centroid = (s: Record<string, number>) =>
    origins.reduce((sum, o, i) => sum + i * (s[o.setIdentifier] ?? 0), 0);
  const delta = centroid(to) - centroid(from);
  if (Math.abs(delta) < 1e-9) return undefined;
  return delta > 0 ? 1 : -1;
}

function directionOrSteady(
  current: Record<string, number>,
  target: Record<string, number>,
  policy: BalancerPolicy,
): BalancerRule {
  const dir = direction(current, target, policy.origins);
  return dir === 1 ? "within-band" : "steady";
}

function pruneState(state: BalancerState, now: Date): BalancerState {
  const hourAgo = now.getTime() - 60 * MINUTE;
  return { ...state, recentChanges: state.recentChanges.filter((c) => Date.parse(c.at) > hourAgo) };
}

function clearRelease(state: BalancerState): BalancerState {
  const { belowReleaseSince: _, ...rest } = state;
  return rest;
}

/** Sliding maximum of planning loads over the release period: drops entries that are too old or dominated. */
function slidingPeaks(
  peaks: BalancerState["recentPeaks"],
  load: number,
  now: Date,
  policy: BalancerPolicy,
): { at: string; load: number }[] {
  const oldest = now.getTime() - policy.releaseAfterMinutes * MINUTE;
  const kept = (peaks ?? []).filter((p) => Date.parse(p.at) > oldest && p.load > load);
  return [...kept, { at: now.toISOString(), load }];
}

function pick(weights: Weights, origins: readonly OriginSpec[]): Weights {
  return mapOrigins(origins, (o) => weights[o.setIdentifier] ?? 0);
}

function share(weights: Weights, origin: OriginSpec): number {
  return weightsToShares(weights)[origin.setIdentifier] ?? 0;
}

function mapOrigins(origins: readonly OriginSpec[], f: (o: OriginSpec) => number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const origin of origins) out[origin.setIdentifier] = f(origin);
  return out;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const fmt = (x: number | undefined) => Math.round(x ?? 0).toLocaleString("en-US");
