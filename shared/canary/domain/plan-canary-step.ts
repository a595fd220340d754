import type { AlarmObservation } from "../../kernel/domain/alarm-observation";
import type { Guard, OverrideInForce } from "../../kernel/domain/decision";
import { stepLabel } from "./commands";
import { dropLapsed, locate } from "./run-position";
import { canaryPercent, fullSplit, rollbackSplit, splitForStep } from "./split";
import {
  BASELINE_STEP,
  type CanaryRecord,
  type CanarySpec,
  type CanarySplit,
  type HealthObservation,
  isActive,
} from "./types";

export type { HealthObservation } from "./types";

export type CanaryAction = "advance" | "hold" | "promote" | "rollback" | "complete" | "none";

export type CanaryRule =
  | "idle" // no run in progress: nothing to decide
  | "abort" // an operator aborted: roll back, whatever else is true
  | "gate-alarm" // a gate is in ALARM: roll back (or do not start)
  | "rule-drift" // the rule's weights match no step we know: someone changed it by hand
  | "paused" // an operator paused the run
  | "clock-skew" // the step was entered "in the future": we cannot measure bake time
  | "gate-no-data" // a gate has no data (or does not exist): never a pass
  | "unhealthy-canary" // fewer healthy canary targets than required
  | "baking" // the step's bake time has not elapsed yet
  | "advance" // next step
  | "promote" // an operator promoted: straight to 100%
  | "complete"; // the last step baked: 100% on the canary, run finished

export interface CanaryStepInput {
  spec: CanarySpec;
  record: CanaryRecord | undefined;
  /** The rule's weights and stickiness as read from the ALB (the source of truth). */
  split: CanarySplit;
  /** Current states of the gate alarms; a gate missing here does not exist in CloudWatch. */
  alarms: readonly AlarmObservation[];
  health: HealthObservation;
  now: Date;
}

export interface CanaryStepPlan {
  action: CanaryAction;
  rule: CanaryRule;
  reason: string;
  guards: Guard[];
  before: CanarySplit;
  /** What the rule should hold after the action (equal to `before` for holds). */
  after: CanarySplit;
  /** Step the rule is on, and the step after the action. */
  fromStep: number;
  toStep: number;
  /** The record to save once the action is carried out (for holds: the record to keep). */
  nextRecord?: CanaryRecord;
  /** The record to save when the action is NOT carried out (dry-run, plan, failure). */
  keptRecord?: CanaryRecord;
  override?: OverrideInForce;
}

const MINUTE = 60_000;

/**
 * Decides one canary's next move from the rule's weights, the step record, the gates' current states
 * and the canary group's health. Priority: abort > gate in ALARM > drift > pause > clock skew > gate
 * without data > unhealthy canary > promote > bake time > complete/advance.
 *
 * Gates are read as STATES at decision time, so duplicate or out-of-order SNS notifications only cause
 * another evaluation of the same facts: a stale OK cannot pass a gate that is in ALARM now.
 *
 * @example steps 1% (10 min), 5% (10 min), 100% (30 min); rule at 990/10 sticky 1 day; entered 12:00;
 *   gates OK; 3 of 3 healthy (need 2); now 12:11 -> advance to step 2: weights 950/50, sticky 86,400 s
 * @example same, but a gate in ALARM at 12:04 -> rollback: weights 999/0, stickiness off, run rolled back
 */
export function planCanaryStep(input: CanaryStepInput): CanaryStepPlan {
  const { spec, split, now } = input;
  const cleaned = dropLapsed(input.record, now);
  const record = cleaned.record;
  const guards: Guard[] = [...cleaned.guards];
  const base = { before: split, after: split, guards };
  if (!isActive(record)) {
    return {
      ...base,
      action: "none",
      rule: "idle",
      reason: record?.ended ? `last run ${record.ended.how}` : "no run in progress",
      fromStep: record?.stepIndex ?? BASELINE_STEP,
      toStep: record?.stepIndex ?? BASELINE_STEP,
      ...(record ? { nextRecord: record, keptRecord: record } : {}),
    };
  }
  const at = now.toISOString();
  const hold = (
    rule: CanaryRule,
    reason: string,
    held: CanaryRecord = record,
    extra: Partial<CanaryStepPlan> = {},
  ) => ({
    ...base,
    action: "hold" as const,
    rule,
    reason,
    fromStep: held.stepIndex,
    toStep: held.stepIndex,
    nextRecord: held,
    keptRecord: held,
    ...extra,
  });
  const rollback = (rule: CanaryRule, reason: string, override?: OverrideInForce): CanaryStepPlan => {
    const { pending: _, pause: __, heldEpisode: ___, ...rest } = record;
    return {
      ...base,
      action: "rollback",
      rule,
      reason,
      after: rollbackSplit(),
      fromStep: record.stepIndex,
      toStep: BASELINE_STEP,
      nextRecord: {
        ...rest,
        status: "rolled-back",
        stepIndex: BASELINE_STEP,
        ended: { at, how: `rolled back from ${canaryPercent(split)}% (${reason})` },
      },
      keptRecord: record,
      ...(override ? { override } : {}),
    };
  };

  if (record.pending?.kind === "abort") {
    const p = record.pending;
    guards.push({ name: "abort", verdict: "blocked", detail: `aborted by ${p.author}: ${p.reason}` });
    return rollback("abort", `aborted by ${p.author}: ${p.reason}`, {
      kind: "abort",
      author: p.author,
      reason: p.reason,
      expiresAt: "never",
    });
  }

  const inAlarm = input.alarms.filter((a) => a.state === "ALARM");
  const known = new Set(input.alarms.map((a) => a.name));
  const noData = [
    ...input.alarms.filter((a) => a.state === "INSUFFICIENT_DATA").map((a) => `${a.name} INSUFFICIENT_DATA`),
    ...spec.gateAlarms
      .filter((name) => !known.has(name))
      .map((name) => `${name} not found (missing, or not readable)`),
  ];
  if (inAlarm.length > 0) {
    const names = inAlarm.map((a) => a.name).join(", ");
    guards.push({
      name: "gates",
      verdict: "blocked",
      detail: inAlarm.map((a) => `${a.name} ALARM${a.reason ? ` (${a.reason})` : ""}`).join("; "),
    });
    // Before the first step nobody is on the canary: there is nothing to roll back, only nothing to start.
    if (record.stepIndex === BASELINE_STEP && split.canaryWeight === 0) {
      return hold("gate-alarm", `not starting while ${names} ${inAlarm.length > 1 ? "are" : "is"} in ALARM`);
    }
    return rollback("gate-alarm", `${names} in ALARM`);
  }

  const located = locate(record, split, spec, now);
  if ("drift" in located) {
    guards.push({ name: "rule-drift", verdict: "blocked", detail: located.drift });
    return hold("rule-drift", located.drift);
  }
  const current = located.record;
  if (located.adopted) {
    guards.push({
      name: "adopted-step",
      verdict: "passed",
      detail: `the rule is already at ${stepLabel(current, spec)} (a run stopped after changing it): bake restarts`,
    });
  }

  if (current.status === "paused" && current.pause) {
    const p = current.pause;
    guards.push({
      name: "paused",
      verdict: "blocked",
      detail: `by ${p.author} until ${p.expiresAt}: ${p.reason}`,
    });
    return hold("paused", `paused by ${p.author} until ${p.expiresAt} (${p.reason})`, current, {
      override: { kind: "pause", author: p.author, reason: p.reason, expiresAt: p.expiresAt },
    });
  }

  const enteredAt = Date.parse(current.enteredAt);
  if (!(enteredAt <= now.getTime())) {
    const ahead = Math.round((enteredAt - now.getTime()) / 1000);
    const detail = Number.isNaN(enteredAt)
      ? `entered-at "${current.enteredAt}" is not a time`
      : `step entered at ${current.enteredAt}, ${ahead} s after now (${at}): clocks disagree`;
    guards.push({ name: "clock", verdict: "blocked", detail });
    return hold("clock-skew", `cannot measure bake time: ${detail}`, current);
  }

  if (noData.length > 0) {
    guards.push({ name: "gates", verdict: "blocked", detail: noData.join("; ") });
    return hold("gate-no-data", `no data on ${noData.join(", ")}: a gate without data never passes`, current);
  }
  guards.push({
    name: "gates",
    verdict: "passed",
    detail: input.alarms.map((a) => `${a.name} OK`).join(", "),
  });

  const { healthy, total } = input.health;
  const healthDetail = `${healthy} of ${total} canary targets healthy (need ${spec.minHealthyTargets})`;
  if (healthy < spec.minHealthyTargets) {
    guards.push({ name: "canary-health", verdict: "blocked", detail: healthDetail });
    return hold("unhealthy-canary", healthDetail, current);
  }
  guards.push({ name: "canary-health", verdict: "passed", detail: healthDetail });

  const finish = (
    rule: "promote" | "complete",
    reason: string,
    override?: OverrideInForce,
  ): CanaryStepPlan => {
    const { pending: _, heldEpisode: __, ...rest } = current;
    const last = spec.steps.length - 1;
    return {
      ...base,
      action: rule,
      rule,
      reason,
      after: fullSplit(),
      fromStep: current.stepIndex,
      toStep: last,
      nextRecord: {
        ...rest,
        status: "completed",
        stepIndex: last,
        ended: { at, how: rule === "promote" ? `promoted (${reason})` : "completed" },
      },
      keptRecord: current,
      ...(override ? { override } : {}),
    };
  };

  if (current.pending?.kind === "promote") {
    const p = current.pending;
    guards.push({
      name: "promote",
      verdict: "passed",
      detail: `by ${p.author}: remaining steps and bake skipped`,
    });
    return finish("promote", `promoted by ${p.author}: ${p.reason}`, {
      kind: "promote",
      author: p.author,
      reason: p.reason,
      expiresAt: p.expiresAt ?? "never",
    });
  }

  const step = spec.steps[current.stepIndex];
  if (step !== undefined) {
    const bakedMinutes = (now.getTime() - enteredAt) / MINUTE;
    const bakeDetail = `baked ${Math.floor(bakedMinutes)} of ${step.bakeMinutes} min at ${step.percent}%`;
    if (bakedMinutes < step.bakeMinutes) {
      guards.push({ name: "bake-time", verdict: "blocked", detail: bakeDetail });
      return hold("baking", bakeDetail, current);
    }
    guards.push({ name: "bake-time", verdict: "passed", detail: bakeDetail });
  }

  const nextIndex = current.stepIndex + 1;
  const next = spec.steps[nextIndex];
  if (next === undefined) return finish("complete", `${stepLabel(current, spec)} baked with gates clear`);
  const { heldEpisode: _, ...rest } = current;
  return {
    ...base,
    action: "advance",
    rule: "advance",
    reason: `${stepLabel(current, spec)} → ${stepLabel({ stepIndex: nextIndex }, spec)}`,
    after: splitForStep(spec, next.percent),
    fromStep: current.stepIndex,
    toStep: nextIndex,
    nextRecord: { ...rest, stepIndex: nextIndex, enteredAt: at },
    keptRecord: current,
  };
}
