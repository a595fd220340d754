import { ConflictError, describeError, InvalidEventError } from "../errors";
import type { Mode, Trigger } from "../kernel/domain/decision";
import { parameterKeys } from "../kernel/domain/parameter-layout";
import { overrideNews, withOverride } from "../kernel/domain/resolve-override";
import { targetOverride } from "../kernel/obey-overrides";
import { recordDecision } from "../kernel/record-decision";
import type { CertificateSummary } from "../ports/certificates";
import type { CertRotationTrigger } from "./acm-event";
import { applyStep } from "./apply-rotation-step";
import type { CertPairConfig, CertRotationConfig } from "./config";
import type { CertRotationDeps } from "./deps";
import {
  type CertApplyResult,
  type CertDecision,
  type CertObserved,
  certDecision,
  slackWorthiness,
} from "./domain/cert-decision";
import { renderCertRotationMessage } from "./domain/cert-rotation-message";
import { completeRotation, releaseLease, startRotation } from "./domain/journal";
import { pausedDecision } from "./domain/obey-override";
import { observe } from "./domain/observe";
import { gatePlan, type PendingRotationPlan } from "./domain/pending-rotation-plan";
import { type CertPlan, ignoredPlan, planRotation } from "./domain/plan-rotation";
import type { RotationStep } from "./domain/snapshot";
import { type CertificateFacts, type CertRotationState, EMPTY_CERT_STATE } from "./domain/types";
import { readCertificates, readFacts } from "./read-cert-pair";
import { recordRotation } from "./record-rotation";

/** Every ACM key type, so a certificate with a key the ALB refuses is reported with that reason. */
const ACM_KEY_TYPES = [
  "RSA_1024",
  "RSA_2048",
  "RSA_3072",
  "RSA_4096",
  "EC_prime256v1",
  "EC_secp384r1",
  "EC_secp521r1",
];

/**
 * One reconciliation of every configured pair. Every trigger (certificate events, the CloudTrail
 * import, the daily schedule) runs this same code: read the pair, decide (pure), apply the remaining
 * steps one by one with a read-back after each, then record. Safe to run twice, or after a crash.
 */
export async function rotateCertificates(
  deps: CertRotationDeps,
  config: CertRotationConfig,
  input: CertRotationTrigger,
): Promise<CertDecision[]> {
  const now = deps.now();
  let listing: Promise<CertificateSummary[]> | undefined;
  const list = () => {
    listing ??= deps.certificates.list(ACM_KEY_TYPES);
    return listing;
  };
  const decisions: CertDecision[] = [];
  const pairs = input.pairs ? config.pairs.filter((p) => input.pairs?.includes(p.name)) : config.pairs;
  if (input.pairs && pairs.length === 0) {
    throw new InvalidEventError(
      `unknown pair ${input.pairs.join(", ")} (configured: ${config.pairs.map((p) => p.name).join(", ")})`,
    );
  }
  for (const pair of pairs) {
    if (input.ignoreReason !== undefined) {
      const decision = decide(pair.name, input.trigger, now, config.mode, ignoredPlan(input.ignoreReason));
      await recordDecision(decision, deps, { post: false, message: renderCertRotationMessage(decision) });
      decisions.push(decision);
      continue;
    }
    try {
      decisions.push(await reconcile(deps, config, pair, input, now, list));
    } catch (error) {
      const decision = decide(pair.name, input.trigger, now, config.mode, ignoredPlan(""), {
        kind: "failed",
        stepsDone: [],
        error: describeError(error),
      });
      const failed: CertDecision = {
        ...decision,
        rule: "evaluation-failed",
        headline: `${pair.name}: could not evaluate — ${decision.error?.message}`,
      };
      await recordDecision(failed, deps, { post: true, message: renderCertRotationMessage(failed) });
      decisions.push(failed);
    }
  }
  return decisions;
}

interface Context {
  deps: CertRotationDeps;
  config: CertRotationConfig;
  pair: CertPairConfig;
  plan: CertPlan;
  now: Date;
}

async function reconcile(
  deps: CertRotationDeps,
  config: CertRotationConfig,
  pair: CertPairConfig,
  input: CertRotationTrigger,
  now: Date,
  list: () => Promise<CertificateSummary[]>,
): Promise<CertDecision> {
  const facts = await readFacts(deps, pair);
  const stored = await deps.state.load<CertRotationState>(parameterKeys.pairState(pair.name));
  const state = stored?.value ?? EMPTY_CERT_STATE;
  const certificates = await readCertificates(deps, pair, facts, state, input.certificateArn, list);
  const plan = planRotation({
    pair: {
      name: pair.name,
      port: pair.listenerPort,
      colorTagKey: pair.colorTagKey,
      recordName: pair.record.name,
      recordTypes: pair.record.types,
      ...(pair.loadBalancerNames ? { loadBalancerNames: pair.loadBalancerNames } : {}),
    },
    facts,
    certificates,
    selection: pair.certificates,
    policy: {
      alertDaysBeforeExpiry: config.alertDaysBeforeExpiry,
      criticalDaysBeforeExpiry: config.criticalDaysBeforeExpiry,
      minHoursBetweenRotations: config.minHoursBetweenRotations,
      keyTypes: config.keyTypes,
    },
    state,
    now,
    ...(input.certificateArn ? { eventCertificateArn: input.certificateArn } : {}),
  });
  const ctx: Context = { deps, config, pair, plan, now };
  let next: CertRotationState = plan.clearsInFlight ? withoutInFlight(state) : state;
  let version: number | undefined = stored?.version;
  let applied: CertApplyResult = { kind: "not-attempted" };
  let planInfo: CertObserved["plan"];
  // A pause (this pair, every pair, everything) stops every step, even finishing an interrupted rotation:
  // the operator took the wheel. The next run after it ends carries on from the journal.
  const obeyed = await targetOverride(deps, "cert-rotation", pair.name, now);
  const paused = obeyed.override !== undefined && plan.rotation !== undefined;
  const wanted = plan.rotation !== undefined && config.mode !== "dry-run" && !paused;
  // Finishing an interrupted rotation is never gated by plan mode: it was approved (or auto) when it began.
  if (wanted && (plan.rule === "finish-rotation" || config.mode === "auto")) {
    ({ applied, state: next, version } = await execute(ctx, next, version));
  } else if (wanted && plan.rule === "rotate") {
    ({ applied, state: next, version, planInfo } = await planMode(ctx, next, version));
  }
  const observed = observe(pair.name, plan, state, certificates, input.certificateArn, planInfo);
  const decided = decide(pair.name, input.trigger, now, config.mode, plan, applied, observed, certificates);
  const decision = withOverride(paused ? pausedDecision(decided, obeyed.override) : decided, obeyed);
  const worth = slackWorthiness(decision, plan, applied, state.episode);
  const slack = { ...worth, post: worth.post || overrideNews(obeyed) };
  await obeyed.remember();
  if (plan.rule !== "ignored" && applied.kind !== "conflict") {
    const { episode: _, ...rest } = next;
    const final: CertRotationState = slack.episode ? { ...rest, episode: slack.episode } : rest;
    if (
      JSON.stringify(final) !== JSON.stringify(stored?.value ?? EMPTY_CERT_STATE) ||
      version !== stored?.version
    ) {
      await saveQuietly(deps, parameterKeys.pairState(pair.name), final, version);
    }
  }
  await recordRotation(deps, decision, plan, state, {
    post: slack.post,
    completed: applied.kind === "applied",
  });
  return decision;
}

/** The rotation the plan wanted, held by an operator's pause. */
interface Executed {
  applied: CertApplyResult;
  state: CertRotationState;
  version: number | undefined;
}

/** Claims the pair (in-flight record, optimistic concurrency), then applies and reads back each step. */
async function execute(
  ctx: Context,
  state: CertRotationState,
  version: number | undefined,
  planId?: string,
): Promise<Executed> {
  const { deps, plan, now } = ctx;
  const rotation = plan.rotation;
  if (rotation === undefined) return { applied: { kind: "not-attempted" }, state, version };
  let current = startRotation(state, rotation, now, planId);
  let claimed: number;
  try {
    claimed = await deps.state.save(parameterKeys.pairState(ctx.pair.name), current, {
      expectedVersion: version ?? "absent",
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return { applied: { kind: "conflict", detail: error.message }, state, version };
  }
  const done: RotationStep[] = [];
  let dns: { changeId: string; status: "PENDING" | "INSYNC" } | undefined;
  for (const step of plan.steps) {
    try {
      dns = (await applyStep(ctx.deps, ctx.pair, ctx.config, step, rotation.id)) ?? dns;
      done.push(step);
    } catch (error) {
      current = releaseLease(current);
      return {
        applied: { kind: "failed", stepsDone: done, failedStep: step, error: describeError(error) },
        state: current,
        version: claimed,
      };
    }
  }
  current = completeRotation(current, rotation, now);
  return {
    applied: { kind: "applied", stepsDone: done, ...(dns ? { dns } : {}) },
    state: current,
    version: claimed,
  };
}

/** Plan mode: store the plan for approval, or apply the approved one if the world still matches it. */
async function planMode(
  ctx: Context,
  state: CertRotationState,
  version: number | undefined,
): Promise<Executed & { planInfo: CertObserved["plan"] }> {
  const { deps, pair, plan, now, config } = ctx;
  const stored = await deps.state.load<PendingRotationPlan>(parameterKeys.pairPendingPlan(pair.name));
  const gate = gatePlan(stored?.value, plan, pair.name, now, config.planExpiryHours);
  const info = (p: PendingRotationPlan) => ({ id: p.id, status: p.status, expiresAt: p.expiresAt });
  if (gate.action === "keep") {
    const applied: CertApplyResult = {
      kind: "planned",
      planId: gate.plan.id,
      expiresAt: gate.plan.expiresAt,
      repeated: true,
    };
    return { applied, state, version, planInfo: info(gate.plan) };
  }
  if (gate.action === "execute") {
    const executed = await execute(ctx, state, version, gate.plan.id);
    const status = executed.applied.kind === "applied" ? "applied" : gate.plan.status;
    if (status === "applied")
      await saveQuietly(
        deps,
        parameterKeys.pairPendingPlan(pair.name),
        { ...gate.plan, status },
        stored?.version,
      );
    return { ...executed, planInfo: { ...info(gate.plan), status } };
  }
  if (gate.superseded) deps.logger.info("rotation plan superseded", { plan: gate.superseded });
  await deps.state.save(parameterKeys.pairPendingPlan(pair.name), gate.plan, {
    expectedVersion: stored?.version ?? "absent",
  });
  const applied: CertApplyResult = {
    kind: "planned",
    planId: gate.plan.id,
    expiresAt: gate.plan.expiresAt,
    repeated: false,
    ...(gate.refused ? { refused: gate.refused } : {}),
  };
  return { applied, state, version, planInfo: info(gate.plan) };
}

function decide(
  pair: string,
  trigger: Trigger,
  now: Date,
  mode: Mode,
  plan: CertPlan,
  applied: CertApplyResult = { kind: "not-attempted" },
  observed?: CertObserved,
  certificates: ReadonlyMap<string, CertificateFacts> = new Map(),
): CertDecision {
  return certDecision({
    pair,
    trigger,
    now,
    mode,
    plan,
    applied,
    certificates,
    observed: observed ?? { pair, requiredHostnames: [], candidates: [], problems: [] },
  });
}

function withoutInFlight(state: CertRotationState): CertRotationState {
  const { inFlight: _, ...rest } = state;
  return rest;
}

/** Saves bookkeeping after the action: a conflict means another run recorded newer state; log and move on. */
async function saveQuietly(
  deps: CertRotationDeps,
  key: string,
  value: unknown,
  version: number | undefined,
): Promise<void> {
  try {
    await deps.state.save(key, value, { expectedVersion: version ?? "absent" });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    deps.logger.warn("state changed meanwhile; keeping the other run's record", {
      key,
      error: describeError(error),
    });
  }
}
