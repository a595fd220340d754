import { AwsCallError, describeError } from "../errors";
import { planButtons, withButtons } from "../kernel/domain/buttons";
import type { Trigger } from "../kernel/domain/decision";
import type { StoredOverride } from "../kernel/domain/override-types";
import {
  type ObeyedOverride,
  obeyedOverride,
  overrideNews,
  withOverride,
} from "../kernel/domain/resolve-override";
import { recordDecision } from "../kernel/record-decision";
import type { CdnMetrics, PoolSeries } from "../ports/cdn-metrics";
import type { Notifier } from "../ports/notifier";
import type { OverrideReader } from "../ports/override-store";
import type { StateStore } from "../ports/state-store";
import { recordSetKey, type WeightedRecord, type WeightedRecords } from "../ports/weighted-records";
import type { Logger } from "../runtime/logger";
import { applyUnderLease } from "./balancer-apply";
import { readBalancerStates } from "./balancer-zone-state";
import type { OriginBalancerConfig, PoolConfig } from "./config";
import {
  type ApplyResult,
  type BalancerDecision,
  type BalancerObserved,
  balancerDecision,
  slackWorthiness,
} from "./domain/balancer-decision";
import { renderBalancerMessage } from "./domain/balancer-message";
import { cacheMissLoad, minutesBetween } from "./domain/cache-miss-load";
import { obeyOverride } from "./domain/obey-override";
import { calibrationView, type ObservedOrigins, observeOrigins } from "./domain/observe-origins";
import { type BalancerPlan, planWeights } from "./domain/plan-weights";
import { type BalancerState, EMPTY_BALANCER_STATE, type Weights } from "./domain/types";
import { markApplied, type PlanStep, stepPlan } from "./pending-plans";

export interface BalancerDeps {
  metrics: CdnMetrics;
  records: WeightedRecords;
  state: StateStore;
  overrides: OverrideReader;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
  /** When the invocation must have finished its AWS work (Lambda time left minus a margin). */
  deadline: () => Date;
}

interface Evaluated {
  pool: PoolConfig;
  target: string;
  records: WeightedRecord[];
  plan: BalancerPlan;
  observed: BalancerObserved;
  previous: BalancerState;
  obeyed: ObeyedOverride;
  origins: ObservedOrigins;
}

/**
 * One run of the origin balancer over every configured pool: read, decide (pure), then under one run
 * lease apply the changed weights in one Route 53 batch per hosted zone, wait for INSYNC and write the
 * state documents of the zones whose pools' memory changed; then record.
 */
export async function balanceOrigins(
  deps: BalancerDeps,
  config: OriginBalancerConfig,
  trigger: Trigger,
): Promise<BalancerDecision[]> {
  const now = deps.now();
  const evaluated: Evaluated[] = [];
  const decisions: BalancerDecision[] = [];
  // Overrides are read once per run; if they cannot be read, no pool may act (a pin could be there).
  const overrides = deps.overrides.list();
  overrides.catch(() => undefined);
  // Every pool's CloudFront series and observed origin metrics in as few GetMetricData calls as the
  // limits allow; a failed read fails every pool's evaluation (each says why), never reads as zero load.
  const series = readAllSeries(deps, config, now);
  series.catch(() => undefined);
  // One paginated listing per hosted zone (not per pool) and one state document per zone, batched.
  const zones = readZones(deps.records, config.pools);
  const states = readBalancerStates(deps.state, config.pools);
  states.catch(() => undefined);
  for (const [index, pool] of config.pools.entries()) {
    try {
      const poolSeries = (await series)[index];
      if (poolSeries === undefined) throw new AwsCallError(`no metrics answer for pool ${pool.name}`);
      const zone = await zones.get(pool.record.hostedZoneId);
      const records = zone?.get(recordSetKey(pool.record)) ?? [];
      const stored = (await states).states.get(pool.name);
      evaluated.push(await evaluate(pool, now, await overrides, { series: poolSeries, records, stored }));
    } catch (error) {
      decisions.push(failedToEvaluate(pool, trigger, now, modeOf(config, pool), error));
    }
  }
  const steps = new Map<string, PlanStep>();
  for (const item of evaluated.filter((e) => modeOf(config, e.pool) === "plan")) {
    try {
      const step = await stepPlan(deps.state, item.pool, item.plan, now, config.planExpiryMinutes);
      steps.set(item.target, step);
      if (step.execute) item.plan = { ...item.plan, after: step.execute.proposed };
    } catch (error) {
      // A plan that cannot be stored is not applied: the next run plans again.
      steps.set(item.target, { note: `plan not stored: ${describeError(error).message}`, post: true });
    }
  }
  const actionable = evaluated.filter((e) => {
    const mode = modeOf(config, e.pool);
    if (mode === "auto") return true;
    // In plan mode an operator's pin and an approved plan are human decisions: they are carried out.
    return mode === "plan" && (e.plan.rule === "override-pin" || steps.get(e.target)?.execute !== undefined);
  });
  const settle = (results: Map<string, ApplyResult>) =>
    evaluated.map((item) => settleItem(item, results, steps.get(item.target), config, trigger, now));
  const { settled, stateError } =
    evaluated.length === 0
      ? { settled: [], stateError: undefined }
      : await applyUnderLease(deps, {
          pools: config.pools,
          snapshot: await states,
          toApply: actionable.filter((e) => e.plan.changed),
          settle,
        });
  for (const { decision, step, post } of settled) {
    if (step?.execute && decision.outcome === "applied") await markApplied(deps.state, step.execute, now);
    const message = withButtons(
      renderBalancerMessage(decision),
      step?.pendingPlanId ? planButtons(step.pendingPlanId) : undefined,
    );
    await recordDecision(decision, deps, { post, message });
    decisions.push(decision);
  }
  for (const decision of decisions.filter((d) => d.rule === "evaluation-failed")) {
    await recordDecision(decision, deps, { post: true, message: renderBalancerMessage(decision) });
  }
  // Route 53 was changed but the memory of it could not be stored: the decisions are recorded, then
  // the invocation fails so that the error is alerted.
  if (stateError !== undefined) throw stateError;
  return decisions;
}

/** One pool's decision once the run knows what was applied, whether it is worth Slack, its next state. */
function settleItem(
  item: Evaluated,
  results: Map<string, ApplyResult>,
  step: PlanStep | undefined,
  config: OriginBalancerConfig,
  trigger: Trigger,
  now: Date,
): { pool: string; decision: BalancerDecision; step?: PlanStep; post: boolean; next?: BalancerState } {
  const applied = results.get(item.target) ?? { kind: "not-attempted" };
  const decision = withOverride(
    balancerDecision({
      target: item.target,
      plan: item.plan,
      observed: item.observed,
      trigger,
      now,
      mode: modeOf(config, item.pool),
      applied,
      ...(step?.note ? { planNote: step.note } : {}),
    }),
    item.obeyed,
  );
  const worth = slackWorthiness(decision, item.previous);
  // An override taking the wheel or handing it back is always said, once; so is a calibration that
  // moved and a change the observed load did not follow.
  const finding = item.origins.effect?.kind === "not-honoured" || item.origins.effect?.kind === "unconfirmed";
  const post =
    worth.post ||
    step?.post === true ||
    overrideNews(item.obeyed) ||
    item.origins.calibration.moved ||
    finding;
  const settled = { pool: item.pool.name, decision, post, ...(step ? { step } : {}) };
  // A failed apply leaves the state as it was: the next run re-plans from what Route 53 really holds.
  if (applied.kind === "failed") return settled;
  // A dry run records what it would have done but must not count a change that never happened.
  const { override: remembered } = item.plan.nextState;
  const base =
    item.plan.changed && applied.kind !== "applied"
      ? withOverrideMemory(item.previous, remembered)
      : item.plan.nextState;
  const { heldEpisode: _, ...rest } = withObservation(base, item, applied.kind === "applied", now);
  const next = worth.heldEpisode ? { ...rest, heldEpisode: worth.heldEpisode } : rest;
  return { ...settled, next };
}

async function evaluate(
  pool: PoolConfig,
  now: Date,
  overrides: readonly StoredOverride[],
  read: { series: PoolSeries; records: WeightedRecord[]; stored: BalancerState | undefined },
): Promise<Evaluated> {
  const target = `${pool.record.name} ${pool.record.type}`;
  const { series, records, stored } = read;
  const weights: Weights = {};
  for (const origin of pool.origins) {
    const record = records.find((r) => r.setIdentifier === origin.setIdentifier);
    if (record === undefined) {
      throw new AwsCallError(
        `${target} has no weighted record with SetIdentifier "${origin.setIdentifier}" (found: ${records.map((r) => r.setIdentifier).join(", ") || "none"})`,
      );
    }
    weights[origin.setIdentifier] = record.weight;
  }
  const { from, end } = windowOf(pool, now);
  const load = cacheMissLoad(series.cdn, minutesBetween(from, end), pool.metrics.settleMinutes);
  const previous = stored ?? EMPTY_BALANCER_STATE;
  const origins = observeOrigins({
    observedOrigins: pool.origins.filter((o) => o.observedMetric !== undefined).map((o) => o.setIdentifier),
    samples: load.samples,
    observed: series.observed,
    weights,
    state: previous,
    policy: pool.calibration,
    ttlSeconds: Math.max(0, ...records.map((r) => r.ttl ?? 60)),
    now,
  });
  const policy = {
    ...pool.policy,
    origins: pool.origins.map(({ observedMetric: _, ...o }) => o),
    minDatapoints: pool.metrics.minDatapoints,
  };
  const policyPlan = planWeights({
    samples: origins.samples,
    currentWeights: weights,
    state: origins.state,
    policy,
    now,
  });
  // The override protocol every automation follows; the balancer keeps its memory in the pool's state.
  const obeyed = obeyedOverride({
    listed: overrides,
    automation: "origin-balancer",
    target: pool.name,
    remembered: previous.override,
    now,
  });
  const plan = obeyOverride(policyPlan, obeyed.override);
  const observed: BalancerObserved = {
    samples: load.samples,
    excluded: load.excluded,
    origins: policy.origins,
    ...(origins.calibration.status !== "not-configured"
      ? { calibration: calibrationView(origins.calibration) }
      : {}),
    ...(origins.effect && origins.effect.kind !== "pending"
      ? { effect: { kind: origins.effect.kind, detail: origins.effect.detail } }
      : {}),
    ...(plan.forecast ? { forecast: plan.forecast } : {}),
    ...(plan.projectedLoad ? { projectedLoad: plan.projectedLoad } : {}),
  };
  return {
    pool,
    target,
    records,
    plan,
    observed,
    previous,
    obeyed,
    origins,
  };
}

/** One listing per hosted zone, started at once; a zone that cannot be read fails only its own pools. */
function readZones(
  records: WeightedRecords,
  pools: readonly PoolConfig[],
): Map<string, Promise<Map<string, WeightedRecord[]>>> {
  const byZone = new Map<string, PoolConfig[]>();
  for (const pool of pools)
    byZone.set(pool.record.hostedZoneId, [...(byZone.get(pool.record.hostedZoneId) ?? []), pool]);
  const reads = new Map<string, Promise<Map<string, WeightedRecord[]>>>();
  for (const [zone, zonePools] of byZone) {
    const read = records.readZone(
      zone,
      zonePools.map((p) => p.record),
    );
    read.catch(() => undefined);
    reads.set(zone, read);
  }
  return reads;
}

/** The minutes a pool reads: its window plus the settling minutes, ending at the current minute. */
function windowOf(pool: PoolConfig, now: Date): { from: Date; end: Date } {
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const from = new Date(end.getTime() - (pool.metrics.windowMinutes + pool.metrics.settleMinutes) * 60_000);
  return { from, end };
}

async function readAllSeries(
  deps: BalancerDeps,
  config: OriginBalancerConfig,
  now: Date,
): Promise<PoolSeries[]> {
  const windows = config.pools.map((pool) => windowOf(pool, now));
  const from = new Date(Math.min(...windows.map((w) => w.from.getTime())));
  const end = new Date(Math.max(...windows.map((w) => w.end.getTime())));
  return deps.metrics.fetchPools(
    config.pools.map((pool) => ({
      distributionIds: pool.distributions,
      observed: pool.origins.flatMap((o) =>
        o.observedMetric ? [{ setIdentifier: o.setIdentifier, metric: o.observedMetric }] : [],
      ),
    })),
    from,
    end,
  );
}

/**
 * The state to store with this run's calibration; after an applied change, the effect check that a
 * later run answers (only when an origin has an observed metric).
 */
function withObservation(base: BalancerState, item: Evaluated, applied: boolean, now: Date): BalancerState {
  const { calibration: _, pendingEffect: __, ...rest } = base;
  const observed = item.origins.state;
  const next: BalancerState = {
    ...rest,
    ...(observed.calibration ? { calibration: observed.calibration } : {}),
    ...(observed.pendingEffect ? { pendingEffect: observed.pendingEffect } : {}),
  };
  if (!applied || !item.plan.changed || observed.calibration === undefined) return next;
  return {
    ...next,
    pendingEffect: {
      at: now.toISOString(),
      shareBefore: item.origins.shareOf(item.plan.before),
      shareAfter: item.origins.shareOf(item.plan.after),
      factor: item.origins.calibration.factor,
    },
  };
}

/** The state as it was, but with the override memory of this run (so its start is said only once). */
function withOverrideMemory(state: BalancerState, override: BalancerState["override"]): BalancerState {
  const { override: _, ...rest } = state;
  return override ? { ...rest, override } : rest;
}

function failedToEvaluate(
  pool: PoolConfig,
  trigger: Trigger,
  now: Date,
  mode: OriginBalancerConfig["mode"],
  error: unknown,
): BalancerDecision {
  const target = `${pool.record.name} ${pool.record.type}`;
  const err = describeError(error);
  return {
    automation: "origin-balancer",
    target,
    trigger,
    at: now.toISOString(),
    mode,
    rule: "evaluation-failed",
    headline: `${target}: could not evaluate — ${err.message}`,
    observed: { samples: [], excluded: [], origins: pool.origins },
    before: { weights: {}, shares: {} },
    after: { weights: {}, shares: {} },
    guards: [],
    outcome: "failed",
    severity: "critical",
    error: err,
  };
}

/** A pool's own mode wins over the section's. */
function modeOf(config: OriginBalancerConfig, pool: PoolConfig): OriginBalancerConfig["mode"] {
  return pool.mode ?? config.mode;
}
