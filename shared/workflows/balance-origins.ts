import type { OriginBalancerConfig, PoolConfig } from "../config/balancer-config";
import {
  type ApplyResult,
  type BalancerDecision,
  type BalancerObserved,
  balancerDecision,
  slackWorthiness,
} from "../domain/balancer/balancer-decision";
import { cacheMissLoad, minutesBetween } from "../domain/balancer/cache-miss-load";
import { obeyOverride } from "../domain/balancer/obey-override";
import { type BalancerPlan, planWeights } from "../domain/balancer/plan-weights";
import { type BalancerState, EMPTY_BALANCER_STATE, type Weights } from "../domain/balancer/types";
import { sameWeights } from "../domain/balancer/weights";
import type { Trigger } from "../domain/decision";
import { renderBalancerMessage } from "../domain/messages/balancer-message";
import {
  appliesTo,
  endedSentence,
  inForceOf,
  type OverrideTransition,
  overrideInForce,
  overrideTransition,
} from "../domain/overrides/resolve";
import type { StoredOverride } from "../domain/overrides/types";
import { planButtons, withButtons } from "../domain/slack/buttons";
import { AwsCallError, describeError, VerificationError } from "../errors";
import type { CdnMetrics } from "../ports/cdn-metrics";
import type { Notifier } from "../ports/notifier";
import type { OverrideReader } from "../ports/override-store";
import type { StateStore } from "../ports/state-store";
import type { WeightedRecord, WeightedRecords, WeightUpdate } from "../ports/weighted-records";
import type { Logger } from "../runtime/logger";
import { markApplied, type PlanStep, stepPlan } from "./balancer-plans";
import { recordDecision } from "./record-decision";

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
  stateVersion?: number;
  override?: StoredOverride;
  overrideNews: OverrideTransition;
}

/**
 * One run of the origin balancer over every configured pool: read, decide (pure), apply the changed
 * weights in one Route 53 batch per hosted zone, wait for INSYNC and read back, then record.
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
  for (const pool of config.pools) {
    try {
      evaluated.push(await evaluate(deps, pool, now, await overrides));
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
  const results = await applyChanges(deps, actionable);
  for (const item of evaluated) {
    const step = steps.get(item.target);
    const executed = step?.execute;
    if (executed && results.get(item.target)?.kind === "applied")
      await markApplied(deps.state, executed, now);
    const applied = results.get(item.target) ?? { kind: "not-attempted" };
    const news = item.overrideNews;
    const decision = balancerDecision({
      target: item.target,
      plan: item.plan,
      observed: item.observed,
      trigger,
      now,
      mode: modeOf(config, item.pool),
      applied,
      ...(step?.note ? { planNote: step.note } : {}),
      ...(item.override ? { override: inForceOf(item.override) } : {}),
      ...(news.kind === "ended" ? { overrideEnded: endedSentence(news) } : {}),
    });
    const worth = slackWorthiness(decision, item.previous);
    // An override taking the wheel or handing it back is always said, once.
    const slack = {
      ...worth,
      post: worth.post || step?.post === true || news.kind === "started" || news.kind === "ended",
    };
    // A failed apply leaves the state as it was: the next run re-plans from what Route 53 really holds.
    // A dry run records what it would have done but must not count a change that never happened.
    if (applied.kind !== "failed") {
      const { override: remembered } = item.plan.nextState;
      const base =
        item.plan.changed && applied.kind !== "applied"
          ? withOverrideMemory(item.previous, remembered)
          : item.plan.nextState;
      const { heldEpisode: _, ...rest } = base;
      const next = slack.heldEpisode ? { ...rest, heldEpisode: slack.heldEpisode } : rest;
      await deps.state.save(stateKey(item.pool), next);
    }
    const message = withButtons(
      renderBalancerMessage(decision),
      step?.pendingPlanId ? planButtons(step.pendingPlanId) : undefined,
    );
    await recordDecision(decision, deps, { post: slack.post, message });
    decisions.push(decision);
  }
  for (const decision of decisions.filter((d) => d.rule === "evaluation-failed")) {
    await recordDecision(decision, deps, { post: true, message: renderBalancerMessage(decision) });
  }
  return decisions;
}

async function evaluate(
  deps: BalancerDeps,
  pool: PoolConfig,
  now: Date,
  overrides: readonly StoredOverride[],
): Promise<Evaluated> {
  const target = `${pool.record.name} ${pool.record.type}`;
  const records = await deps.records.read(pool.record);
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
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const from = new Date(end.getTime() - (pool.metrics.windowMinutes + pool.metrics.settleMinutes) * 60_000);
  const series = await deps.metrics.fetchSeries(pool.distributions, from, end);
  const load = cacheMissLoad(series, minutesBetween(from, end), pool.metrics.settleMinutes);
  const stored = await deps.state.load<BalancerState>(stateKey(pool));
  const previous = stored?.value ?? EMPTY_BALANCER_STATE;
  const policy = { ...pool.policy, origins: pool.origins, minDatapoints: pool.metrics.minDatapoints };
  const policyPlan = planWeights({
    samples: load.samples,
    currentWeights: weights,
    state: previous,
    policy,
    now,
  });
  const candidates = overrides.filter((o) => appliesTo(o, "origin-balancer", pool.name));
  const override = overrideInForce(candidates, now);
  const plan = obeyOverride(policyPlan, override);
  const observed: BalancerObserved = {
    samples: load.samples,
    excluded: load.excluded,
    origins: pool.origins,
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
    ...(stored ? { stateVersion: stored.version } : {}),
    ...(override ? { override } : {}),
    overrideNews: overrideTransition(previous.override, override, candidates),
  };
}

/** The state as it was, but with the override memory of this run (so its start is said only once). */
function withOverrideMemory(state: BalancerState, override: BalancerState["override"]): BalancerState {
  const { override: _, ...rest } = state;
  return override ? { ...rest, override } : rest;
}

/** One ChangeBatch per hosted zone, INSYNC awaited, then every changed record set read back. */
async function applyChanges(deps: BalancerDeps, evaluated: Evaluated[]): Promise<Map<string, ApplyResult>> {
  const results = new Map<string, ApplyResult>();
  const changed: Evaluated[] = [];
  for (const item of evaluated.filter((e) => e.plan.changed)) {
    // The claim: re-store the state read, against the version read, before touching Route 53. Of two
    // overlapping runs (a manual invoke beside the schedule) only one gets past it; the other reports
    // the ConflictError and changes nothing. The content is unchanged, so a failed apply counts no change.
    try {
      item.stateVersion = await deps.state.save(stateKey(item.pool), item.previous, {
        expectedVersion: item.stateVersion ?? "absent",
      });
      changed.push(item);
    } catch (error) {
      results.set(item.target, { kind: "failed", error: describeError(error) });
    }
  }
  const byZone = new Map<string, Evaluated[]>();
  for (const item of changed)
    byZone.set(item.pool.record.hostedZoneId, [...(byZone.get(item.pool.record.hostedZoneId) ?? []), item]);
  for (const [zone, items] of byZone) {
    try {
      const updates: WeightUpdate[] = items.map((item) => ({
        ref: item.pool.record,
        records: item.records
          .filter(
            (r) =>
              item.plan.after[r.setIdentifier] !== undefined && item.plan.after[r.setIdentifier] !== r.weight,
          )
          .map((r) => ({ ...r, weight: item.plan.after[r.setIdentifier] as number })),
      }));
      const [submitted] = await deps.records.apply(updates);
      if (submitted === undefined) throw new AwsCallError(`no change submitted for ${zone}`);
      const status =
        submitted.status === "INSYNC"
          ? "INSYNC"
          : await deps.records.waitInSync(submitted.changeId, deps.deadline());
      for (const item of items) {
        const readBack: Weights = {};
        for (const r of await deps.records.read(item.pool.record)) readBack[r.setIdentifier] = r.weight;
        const expected = item.plan.after;
        const subset: Weights = {};
        for (const id of Object.keys(expected)) subset[id] = readBack[id] ?? Number.NaN;
        if (!sameWeights(subset, expected)) {
          throw new VerificationError(
            `${item.target} reads back ${JSON.stringify(subset)}, expected ${JSON.stringify(expected)}`,
          );
        }
        results.set(item.target, { kind: "applied", changeId: submitted.changeId, status });
      }
    } catch (error) {
      for (const item of items)
        if (!results.has(item.target))
          results.set(item.target, { kind: "failed", error: describeError(error) });
    }
  }
  return results;
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

export function stateKey(pool: PoolConfig): string {
  return `origin-balancer/${pool.name}/state`;
}
