import { AwsCallError, describeError, InvalidEventError, VerificationError } from "../errors";
import type { Mode, Trigger } from "../kernel/domain/decision";
import { parameterKeys } from "../kernel/domain/parameter-layout";
import { overrideNews, withOverride } from "../kernel/domain/resolve-override";
import { postThreaded } from "../kernel/incident-thread";
import { targetOverride } from "../kernel/obey-overrides";
import { recordDecision } from "../kernel/record-decision";
import type { AlarmStates } from "../ports/alarm-states";
import type { ForwardRef, ListenerRules } from "../ports/listener-rules";
import type { Notifier } from "../ports/notifier";
import type { OverrideReader } from "../ports/override-store";
import type { StateStore } from "../ports/state-store";
import type { TargetHealth } from "../ports/target-health";
import { type AlarmNotification, alarmTrigger } from "../runtime/alarm-notification";
import type { Logger } from "../runtime/logger";
import type { CanaryConfig, CanarySectionConfig } from "./config";
import {
  type CanaryApplyResult,
  type CanaryDecision,
  type CanaryObserved,
  canaryDecision,
  failedCanaryDecision,
  runStatusLine,
  slackWorthiness,
} from "./domain/canary-decision";
import { renderCanaryCommandNote, renderCanaryHeadline, renderCanaryMessage } from "./domain/canary-message";
import { applyCanaryCommand, type CanaryCommand, stepLabel } from "./domain/commands";
import { underStoredPause, withoutStoredPause } from "./domain/obey-override";
import { planCanaryStep } from "./domain/plan-canary-step";
import { describeSplit, forwardOf, sameSplit, splitOf } from "./domain/split";
import { type CanaryRecord, type CanarySpec, isActive } from "./domain/types";

export interface CanaryDeps {
  rules: ListenerRules;
  alarms: AlarmStates;
  health: TargetHealth;
  /**
   * The step record lives in SSM Parameter Store, not in the function: a Lambda keeps nothing between
   * cold starts, and a run bakes for hours. The ALB rule stays the source of truth for weights; the
   * record only says which step we are on, since when, and which Slack thread is the run's.
   */
  state: StateStore;
  /** Operator overrides, read once per run: an unreadable store stops the run (a pause could be there). */
  overrides: OverrideReader;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
}

export interface CommandResponse {
  accepted: boolean;
  refusal?: string;
  decisions: CanaryDecision[];
}

/**
 * Evaluates canaries one after the other: read the record, the rule, the gates' states and the canary
 * group's health; decide (pure); apply through one ModifyRule/ModifyListener; read back; record.
 * Canaries without a run in progress are skipped without any AWS read.
 */
export async function runCanaries(
  deps: CanaryDeps,
  section: CanarySectionConfig,
  canaries: readonly CanaryConfig[],
  trigger: Trigger,
  notification?: AlarmNotification,
): Promise<CanaryDecision[]> {
  const decisions: CanaryDecision[] = [];
  for (const canary of canaries) {
    const mode = modeOf(section, canary);
    try {
      const decision = await evaluate(deps, canary, mode, trigger, notification);
      if (decision) decisions.push(decision);
    } catch (error) {
      const decision = failedCanaryDecision({
        spec: specOf(canary),
        trigger,
        now: deps.now(),
        mode,
        groups: groupNames(canary),
        error: describeError(error),
      });
      // Into the run's thread when there is one; reading it again is best effort.
      const threadTs = await deps.state
        .load<CanaryRecord>(parameterKeys.canaryRecord(canary.name))
        .then((stored) => stored?.value.threadTs)
        .catch(() => undefined);
      await recordDecision(decision, deps, {
        post: true,
        message: renderCanaryMessage(decision),
        ...(threadTs ? { threadTs } : {}),
      });
      decisions.push(decision);
    }
  }
  return decisions;
}

/**
 * Alarm notifications only say "look now": every canary a notified alarm gates is evaluated once, from
 * the alarms' CURRENT states. A notification for an alarm that gates no canary is bad input: it is
 * rejected before any AWS call.
 */
export async function runForAlarms(
  deps: CanaryDeps,
  section: CanarySectionConfig,
  notifications: readonly AlarmNotification[],
): Promise<CanaryDecision[]> {
  const gated = (n: AlarmNotification) => section.canaries.filter((c) => c.gateAlarms.includes(n.alarmName));
  const unknown = notifications.filter((n) => gated(n).length === 0).map((n) => n.alarmName);
  if (unknown.length > 0) {
    const known = [...new Set(section.canaries.flatMap((c) => c.gateAlarms))].join(", ");
    throw new InvalidEventError(`alarm ${unknown.join(", ")} gates no configured canary (gates: ${known})`);
  }
  const decisions: CanaryDecision[] = [];
  const done = new Set<string>();
  for (const notification of notifications) {
    const canaries = gated(notification).filter((c) => !done.has(c.name));
    for (const c of canaries) done.add(c.name);
    decisions.push(...(await runCanaries(deps, section, canaries, alarmTrigger(notification), notification)));
  }
  return decisions;
}

/**
 * A manual command (from the operator's override function): applied to the record by the pure domain
 * operation, saved, then the canary is evaluated at once, so an abort reaches the rule within seconds.
 */
export async function commandCanary(
  deps: CanaryDeps,
  section: CanarySectionConfig,
  command: CanaryCommand,
): Promise<CommandResponse> {
  const canary = section.canaries.find((c) => c.name === command.canary);
  if (canary === undefined) {
    throw new InvalidEventError(
      `unknown canary "${command.canary}" (configured: ${section.canaries.map((c) => c.name).join(", ")})`,
    );
  }
  const now = deps.now();
  const stored = await deps.state.load<CanaryRecord>(parameterKeys.canaryRecord(canary.name));
  const result = applyCanaryCommand(stored?.value, command, now, specOf(canary));
  if (!result.ok) {
    deps.logger.warn("canary command refused", { command, refusal: result.refusal });
    return { accepted: false, refusal: result.refusal, decisions: [] };
  }
  await deps.state.save(parameterKeys.canaryRecord(canary.name), result.record, {
    expectedVersion: stored?.version ?? "absent",
  });
  deps.logger.info("canary command accepted", { command, record: result.record });
  if (result.record.threadTs && command.kind !== "start") {
    await deps.notifier.post(renderCanaryCommandNote(command, canary.name), {
      threadTs: result.record.threadTs,
    });
  }
  const trigger: Trigger = {
    kind: "manual",
    source: `${command.kind} by ${command.author}`,
    at: now.toISOString(),
  };
  return { accepted: true, decisions: await runCanaries(deps, section, [canary], trigger) };
}

async function evaluate(
  deps: CanaryDeps,
  canary: CanaryConfig,
  mode: Mode,
  trigger: Trigger,
  notification: AlarmNotification | undefined,
): Promise<CanaryDecision | undefined> {
  const key = parameterKeys.canaryRecord(canary.name);
  const stored = await deps.state.load<CanaryRecord>(key);
  const record = stored?.value;
  if (!isActive(record)) {
    deps.logger.info("canary idle", { canary: canary.name, status: record?.status ?? "never started" });
    return undefined;
  }
  const spec = specOf(canary);
  const ref = refOf(canary);
  const groups = { stableArn: canary.stableTargetGroupArn, canaryArn: canary.canaryTargetGroupArn };
  const forward = await deps.rules.read(ref);
  const { split, strangers } = splitOf(forward, groups);
  if (strangers.length > 0) {
    throw new AwsCallError(
      `the rule also sends traffic to ${strangers.join(", ")}: not touching a split we do not own`,
    );
  }
  const [alarms, health] = await Promise.all([
    deps.alarms.read(canary.gateAlarms),
    deps.health.read(canary.canaryTargetGroupArn),
  ]);
  const now = deps.now();
  // A stored pause (this canary, every canary, everything) holds the run like the canary's own pause
  // command, gates still rolling back; it is not written into the record, so clearing it resumes at once.
  const obeyed = await targetOverride(deps, "canary", canary.name, now);
  const paused = obeyed.override?.action.kind === "pause" && record.status === "running";
  const planned = paused && obeyed.override ? underStoredPause(record, obeyed.override) : record;
  const plan = planCanaryStep({ spec, record: planned, split, alarms, health, now });
  const wantsChange = plan.action !== "hold" && plan.action !== "none";
  let applied: CanaryApplyResult = { kind: "not-attempted" };
  if (wantsChange && mode === "auto") {
    try {
      if (sameSplit(plan.after, split)) {
        applied = { kind: "applied", call: "none-needed" };
      } else {
        const call = await deps.rules.write(ref, forwardOf(plan.after, groups, forward), forward);
        // Read back before reporting success: the API must hold exactly what we wrote.
        const readBack = splitOf(await deps.rules.read(ref), groups).split;
        if (!sameSplit(readBack, plan.after)) {
          throw new VerificationError(
            `${canary.name}: rule reads back ${describeSplit(readBack)}, expected ${describeSplit(plan.after)}`,
          );
        }
        applied = { kind: "applied", call };
      }
    } catch (error) {
      applied = { kind: "failed", error: describeError(error) };
    }
  }
  const observed: CanaryObserved = {
    run: {
      runId: record.runId,
      status: record.status,
      step: stepLabel(record, spec),
      enteredAt: record.enteredAt,
      startedBy: record.startedBy.author,
    },
    alarms,
    health: { ...health, required: spec.minHealthyTargets },
    groups: groupNames(canary),
    ...(notification
      ? {
          notification: {
            alarm: notification.alarmName,
            state: notification.newState,
            at: notification.stateChangeTime,
          },
        }
      : {}),
  };
  const decision = withOverride(
    canaryDecision({ spec, trigger, now, mode, plan, observed, applied }),
    obeyed,
  );
  // A failed or not-attempted change keeps the step where the rule really is.
  const kept = (applied.kind === "applied" ? plan.nextRecord : plan.keptRecord) ?? record;
  const base = paused ? withoutStoredPause(kept, record) : kept;
  const worth = slackWorthiness(decision, plan, record);
  const slack = { ...worth, post: worth.post || overrideNews(obeyed) };
  await obeyed.remember();
  const { heldEpisode: _, ...rest } = base;
  let next: CanaryRecord = slack.heldEpisode ? { ...rest, heldEpisode: slack.heldEpisode } : rest;
  if (slack.post)
    next = await postToThread(deps, decision, spec, next, applied.kind === "applied" ? plan.after : split);
  else await recordDecision(decision, deps, { post: false, message: renderCanaryMessage(decision) });
  if (JSON.stringify(next) !== JSON.stringify(record)) {
    await deps.state.save(key, next, { expectedVersion: stored?.version ?? "absent" });
  }
  return decision;
}

/**
 * One thread per run: its root is a one-line status headline, refreshed with chat.update; every
 * decision is a reply. A Slack outage never blocks anything: without a root, the decision is still logged
 * and the next decision tries again.
 */
async function postToThread(
  deps: CanaryDeps,
  decision: CanaryDecision,
  spec: CanarySpec,
  record: CanaryRecord,
  split: Parameters<typeof runStatusLine>[2],
): Promise<CanaryRecord> {
  const message = renderCanaryMessage(decision);
  await recordDecision(decision, deps, { post: false, message });
  const { ts } = await postThreaded(deps.notifier, {
    ...(record.threadTs ? { ts: record.threadTs } : {}),
    root: renderCanaryHeadline(runStatusLine(spec, record, split), decision),
    reply: message,
  });
  return ts === undefined ? record : { ...record, threadTs: ts };
}

export function specOf(canary: CanaryConfig): CanarySpec {
  return {
    name: canary.name,
    steps: canary.steps,
    gateAlarms: canary.gateAlarms,
    minHealthyTargets: canary.minHealthyTargets,
    stickinessSeconds: canary.stickinessSeconds,
  };
}

export function refOf(canary: CanaryConfig): ForwardRef {
  if (canary.listenerRuleArn !== undefined) return { kind: "rule", ruleArn: canary.listenerRuleArn };
  if (canary.listenerArn !== undefined) return { kind: "listener-default", listenerArn: canary.listenerArn };
  throw new AwsCallError(`${canary.name} names neither a listener rule nor a listener`);
}

export function modeOf(section: CanarySectionConfig, canary: CanaryConfig): Mode {
  return canary.mode ?? section.mode;
}

/** "targetgroup/web-canary/73e2d6bc24d8a067" -> "web-canary". */
function groupNames(canary: CanaryConfig): CanaryObserved["groups"] {
  const name = (arn: string) => arn.split("/").at(-2) ?? arn;
  return { stable: name(canary.stableTargetGroupArn), canary: name(canary.canaryTargetGroupArn) };
}
