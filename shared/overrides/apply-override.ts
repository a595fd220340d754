import { approvePlan, type PendingRotationPlan } from "../cert-rotation/domain/pending-rotation-plan";
import type { StageConfig } from "../config/stage-config";
import { describeError, InvalidOverrideError } from "../errors";
import type { Decision } from "../kernel/domain/decision";
import type { StoredOverride } from "../kernel/domain/override-types";
import { parameterKeys } from "../kernel/domain/parameter-layout";
import { rejectPendingPlan } from "../kernel/domain/pending-plan";
import { isActive } from "../kernel/domain/resolve-override";
import { recordDecision } from "../kernel/record-decision";
import { approveWeightPlan, type PendingWeightPlan } from "../origin-balancer/domain/pending-weight-plan";
import type { AutomationInvoker } from "../ports/automation-invoker";
import type { Notifier } from "../ports/notifier";
import type { OverrideStore } from "../ports/override-store";
import type { SlackResponder } from "../ports/slack-chatops";
import type { StateStore } from "../ports/state-store";
import type { Logger } from "../runtime/logger";
import { buildOverride, type OverrideTargets, scopeOf } from "./build-override";
import { renderOverrideMessage } from "./domain/override-message";
import type { OverrideRequest } from "./override-request";

export interface OverrideDeps {
  overrides: OverrideStore;
  /** Stored plans (cert-rotation/<pair>/plan). */
  state: StateStore;
  invoker: AutomationInvoker;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
  /** Answers requests from Slack on their response_url (absent: they are answered in the channel only). */
  slackResponder?: SlackResponder;
}

/** Who asked, as far as the platform can tell (the author field is what the operator typed). */
export interface Caller {
  invoker: string;
  requestId: string;
}

export interface OverrideResponse {
  accepted: boolean;
  action: OverrideRequest["action"];
  /** Why nothing was done, in words (the CLI exits non-zero). */
  refusal?: string;
  override?: StoredOverride;
  plan?: PendingRotationPlan | PendingWeightPlan;
  /** What the delegated automation run returned (canary command, rotation). */
  result?: unknown;
}

export type OverrideDecision = Decision<{ request: OverrideRequest }, { override?: StoredOverride }>;

/**
 * One operator request: check it against the stage, store it (one SSM parameter per scope, optimistic
 * concurrency: of two racing writers one wins, the other gets a ConflictError naming the parameter), or
 * hand it to the automation's own function, then record it like any decision (log, metric, Slack).
 * An invalid request throws InvalidOverrideError before anything is written.
 */
export async function applyOverride(
  deps: OverrideDeps,
  stage: StageConfig,
  request: OverrideRequest,
  caller: Caller,
): Promise<OverrideResponse> {
  const now = deps.now();
  const response = await dispatch(deps, stage, request, caller, now);
  const decision: OverrideDecision = {
    automation: "override",
    target: targetOf(request),
    trigger: { kind: "manual", source: `${request.author} via ${caller.invoker}`, at: now.toISOString() },
    at: now.toISOString(),
    mode: "auto",
    rule: request.action,
    headline: headlineOf(request, response),
    observed: { request },
    before: {},
    after: response.override ? { override: response.override } : {},
    guards: [],
    outcome: response.accepted ? "applied" : "held",
    severity: response.accepted ? "warn" : "info",
    change: { requestId: caller.requestId, invoker: caller.invoker },
  };
  await recordDecision(decision, deps, { post: true, message: renderOverrideMessage(decision, response) });
  return response;
}

async function dispatch(
  deps: OverrideDeps,
  stage: StageConfig,
  request: OverrideRequest,
  caller: Caller,
  now: Date,
): Promise<OverrideResponse> {
  const targets = targetsOf(stage);
  switch (request.action) {
    case "pin":
    case "pause":
    case "force": {
      const built = buildOverride(request, {
        targets,
        now,
        maxHours: stage.overrides.maxHours,
        invoker: caller.invoker,
      });
      if (!built.ok) throw new InvalidOverrideError(`invalid ${request.action}: ${built.problem}`);
      const current = await deps.overrides.load(built.value.automation, built.value.target);
      const holder = current?.value;
      if (holder && isActive(holder, now) && holder.author !== request.author && request.replace !== true) {
        return refuse(
          request,
          `${scopeText(holder)} already has an active ${holder.action.kind} by ${holder.author} until ${holder.expiresAt} (${holder.reason}); pass replace: true to replace it`,
        );
      }
      await deps.overrides.save(built.value, current?.version ?? "absent");
      return {
        accepted: true,
        action: request.action,
        override: built.value,
        ...(await actNow(deps, built.value)),
      };
    }
    case "resume":
    case "clear": {
      const scope = scopeOf(request, targets);
      if (!scope.ok) throw new InvalidOverrideError(`invalid ${request.action}: ${scope.problem}`);
      const current = await deps.overrides.load(scope.value.automation, scope.value.target);
      const holder = current?.value;
      const matches =
        holder && isActive(holder, now) && (request.action === "clear" || holder.action.kind === "pause");
      if (!current || !holder || !matches) {
        return refuse(
          request,
          `nothing to ${request.action}: no active ${request.action === "resume" ? "pause" : "override"} on ${scopeText(scope.value)}`,
        );
      }
      const cleared: StoredOverride = {
        ...holder,
        cleared: {
          author: request.author,
          invoker: caller.invoker,
          reason: request.reason,
          at: now.toISOString(),
        },
      };
      await deps.overrides.save(cleared, current.version);
      return { accepted: true, action: request.action, override: cleared, ...(await actNow(deps, cleared)) };
    }
    case "canary":
      return delegateCanary(deps, stage, request, now);
    case "rotate-now":
      return rotateNow(deps, stage, request);
    case "approve":
    case "reject":
      return decidePlan(deps, stage, request, now);
  }
}

/**
 * A forced flow-control mode (or the end of one) must reach the fleet in seconds, not at the next
 * converge run: the flow-control function converges that fleet now. Best effort: the override is stored
 * either way, and the converge schedule applies it if this call fails.
 */
async function actNow(deps: OverrideDeps, override: StoredOverride): Promise<{ result?: unknown }> {
  if (override.automation !== "flow-control" || override.action.kind !== "force" || override.target === "*") {
    return {};
  }
  try {
    return {
      result: await deps.invoker.invoke("flow-control", {
        converge: { fleet: override.target, author: override.cleared?.author ?? override.author },
      }),
    };
  } catch (error) {
    deps.logger.warn("could not converge the fleet now; the converge schedule will", {
      error: describeError(error),
    });
    return { result: { error: describeError(error) } };
  }
}

async function delegateCanary(
  deps: OverrideDeps,
  stage: StageConfig,
  request: Extract<OverrideRequest, { action: "canary" }>,
  now: Date,
): Promise<OverrideResponse> {
  const names = stage.canary?.canaries.map((c) => c.name) ?? [];
  if (!names.includes(request.canary)) {
    throw new InvalidOverrideError(
      `unknown canary "${request.canary}" (configured: ${names.join(", ") || "none"})`,
    );
  }
  const expiresAt =
    request.expiresAt ??
    (request.expiresInMinutes !== undefined
      ? new Date(now.getTime() + request.expiresInMinutes * 60_000).toISOString()
      : undefined);
  const result = (await deps.invoker.invoke("canary", {
    canaryCommand: {
      kind: request.command,
      canary: request.canary,
      author: request.author,
      reason: request.reason,
      ...(expiresAt ? { expiresAt } : {}),
    },
  })) as { accepted?: boolean; refusal?: string };
  return result?.accepted === false
    ? { accepted: false, action: "canary", refusal: result.refusal ?? "refused by the canary", result }
    : { accepted: true, action: "canary", result };
}

async function rotateNow(
  deps: OverrideDeps,
  stage: StageConfig,
  request: { pair: string; author: string; reason: string },
): Promise<OverrideResponse> {
  const names = stage.certRotation?.pairs.map((p) => p.name) ?? [];
  if (!names.includes(request.pair)) {
    throw new InvalidOverrideError(
      `unknown pair "${request.pair}" (configured: ${names.join(", ") || "none"})`,
    );
  }
  const result = await deps.invoker.invoke("cert-rotation", {
    rotateNow: { pair: request.pair, author: request.author, reason: request.reason },
  });
  return { accepted: true, action: "rotate-now", result };
}

/**
 * Approve or reject a stored plan. An approval is checked here (pending, not expired) and again by the
 * automation against the world as it is when it runs: a plan made from another state is refused and
 * re-planned there, and the response carries that run's decision.
 */
async function decidePlan(
  deps: OverrideDeps,
  stage: StageConfig,
  request: Extract<OverrideRequest, { action: "approve" | "reject" }>,
  now: Date,
): Promise<OverrideResponse> {
  const weightPlan = await decideWeightPlan(deps, stage, request, now);
  if (weightPlan !== undefined) return weightPlan;
  for (const pair of stage.certRotation?.pairs ?? []) {
    const stored = await deps.state.load<PendingRotationPlan>(parameterKeys.pairPendingPlan(pair.name));
    if (stored?.value.id !== request.planId) continue;
    const who = { author: request.author, reason: request.reason };
    const approval =
      request.action === "reject"
        ? rejectPendingPlan(stored.value, who)
        : approvePlan(stored.value, who, now);
    if (!approval.ok) return refuse(request, approval.reason);
    await deps.state.save(parameterKeys.pairPendingPlan(pair.name), approval.plan, {
      expectedVersion: stored.version,
    });
    if (request.action === "reject") return { accepted: true, action: "reject", plan: approval.plan };
    const run = await rotateNow(deps, stage, { pair: pair.name, ...who });
    return { accepted: true, action: "approve", plan: approval.plan, result: run.result };
  }
  throw new InvalidOverrideError(`no stored plan ${request.planId} (see autopilot plans)`);
}

/**
 * A balancer plan is approved in place; the balancer applies it on its next scheduled run (every minute
 * by default) if the weights are still those it was made from, and refuses and re-plans otherwise.
 */
async function decideWeightPlan(
  deps: OverrideDeps,
  stage: StageConfig,
  request: Extract<OverrideRequest, { action: "approve" | "reject" }>,
  now: Date,
): Promise<OverrideResponse | undefined> {
  for (const pool of stage.originBalancer?.pools ?? []) {
    const stored = await deps.state.load<PendingWeightPlan>(parameterKeys.balancerPendingPlan(pool.name));
    if (stored?.value.id !== request.planId) continue;
    const who = { author: request.author, reason: request.reason };
    const decided =
      request.action === "reject"
        ? rejectPendingPlan(stored.value, who)
        : approveWeightPlan(stored.value, who, now);
    if (!decided.ok) return refuse(request, decided.reason);
    await deps.state.save(parameterKeys.balancerPendingPlan(pool.name), decided.plan, {
      expectedVersion: stored.version,
    });
    return { accepted: true, action: request.action, plan: decided.plan };
  }
  return undefined;
}

function refuse(request: OverrideRequest, refusal: string): OverrideResponse {
  return { accepted: false, action: request.action, refusal };
}

export function targetsOf(stage: StageConfig): OverrideTargets {
  return {
    ...(stage.originBalancer
      ? {
          "origin-balancer": Object.fromEntries(
            stage.originBalancer.pools.map((p) => [p.name, p.origins.map((o) => o.setIdentifier)]),
          ),
        }
      : {}),
    ...(stage.flowControl ? { "flow-control": stage.flowControl.fleets.map((f) => f.name) } : {}),
    ...(stage.certRotation ? { "cert-rotation": stage.certRotation.pairs.map((p) => p.name) } : {}),
    ...(stage.canary ? { canary: stage.canary.canaries.map((c) => c.name) } : {}),
  };
}

const scopeText = (scope: { automation: string; target: string }) =>
  scope.automation === "*"
    ? "every automation"
    : `${scope.automation} ${scope.target === "*" ? "(every target)" : scope.target}`;

function targetOf(request: OverrideRequest): string {
  switch (request.action) {
    case "pin":
      return request.pool;
    case "force":
      return request.fleet;
    case "pause":
    case "resume":
    case "clear":
      return `${request.automation}/${request.target ?? "*"}`;
    case "canary":
      return request.canary;
    case "rotate-now":
      return request.pair;
    case "approve":
    case "reject":
      return request.planId;
  }
}

function headlineOf(request: OverrideRequest, response: OverrideResponse): string {
  const what = `${request.author} asked to ${request.action === "canary" ? `${request.command} canary` : request.action} ${targetOf(request)}`;
  if (!response.accepted) return `${what} — refused: ${response.refusal}`;
  const until =
    response.override && !response.override.cleared ? ` until ${response.override.expiresAt}` : "";
  return `${what}${until}: ${request.reason}`;
}
