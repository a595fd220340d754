import type { AlarmObservation } from "../../kernel/domain/alarm-observation";
import type { Decision, Mode, Outcome, Severity, Trigger } from "../../kernel/domain/decision";
import { stepLabel } from "./commands";
import type { CanaryStepPlan, HealthObservation } from "./plan-canary-step";
import { canaryPercent, describeSplit } from "./split";
import type { CanaryRecord, CanarySpec, CanarySplit } from "./types";

export interface CanaryObserved {
  /** Where the run was when the evaluation started. */
  run?: { runId: string; status: string; step: string; enteredAt: string; startedBy: string };
  alarms: AlarmObservation[];
  health: HealthObservation & { required: number };
  /** Target group names (the last-but-one ARN segment), for people. */
  groups: { stable: string; canary: string };
  /** The SNS notification that triggered this evaluation, for context only: gates are read as states. */
  notification?: { alarm: string; state: string; at: string };
}

export interface CanarySplitState extends CanarySplit {
  percent: number;
  step: string;
}

/** null: the rule could not be read (the evaluation failed before it). */
export type CanaryDecision = Decision<CanaryObserved, CanarySplitState | null> & {
  /** What the operator should do next (completion: what to do with the old group). */
  followUp?: string;
};

/** What the workflow learned when it tried to carry out the plan on the rule. */
export type CanaryApplyResult =
  | { kind: "not-attempted" }
  | { kind: "applied"; call: "ModifyRule" | "ModifyListener" | "none-needed" }
  | { kind: "failed"; error: { name: string; message: string; cause?: string } };

const CHANGES = new Set(["advance", "promote", "rollback", "complete"]);

/** Builds the Decision record of one canary evaluation. Pure. */
export function canaryDecision(args: {
  spec: CanarySpec;
  trigger: Trigger;
  now: Date;
  mode: Mode;
  plan: CanaryStepPlan;
  observed: CanaryObserved;
  applied: CanaryApplyResult;
}): CanaryDecision {
  const { plan, applied, mode, spec } = args;
  const wantsChange = CHANGES.has(plan.action);
  const outcome: Outcome =
    applied.kind === "failed"
      ? "failed"
      : applied.kind === "applied"
        ? "applied"
        : wantsChange
          ? mode === "plan"
            ? "planned"
            : "dry-run"
          : plan.action === "none" || plan.rule === "baking"
            ? "unchanged"
            : "held";
  const after = outcome === "applied" ? plan.after : plan.before;
  const severity: Severity =
    outcome === "failed" || plan.action === "rollback"
      ? "critical"
      : plan.action === "hold" && plan.rule !== "baking"
        ? "warn"
        : "info";
  const followUp =
    (plan.action === "complete" || plan.action === "promote") && outcome === "applied"
      ? `The stable group ${args.observed.groups.stable} now gets no traffic and stickiness is off. Next: make ${args.observed.groups.canary} the stable group (point the rule at it alone, or swap stableTargetGroupArn/canaryTargetGroupArn in config so the next release deploys to the old group), then scale the old service down once its connections have drained.`
      : undefined;
  return {
    automation: "canary",
    target: spec.name,
    trigger: args.trigger,
    at: args.now.toISOString(),
    mode,
    rule: plan.rule,
    headline: headline(spec, plan, outcome),
    observed: args.observed,
    before: state(plan.before, spec, plan.fromStep),
    after: state(after, spec, outcome === "applied" ? plan.toStep : plan.fromStep),
    guards: plan.guards,
    ...(plan.override ? { override: plan.override } : {}),
    outcome,
    severity,
    ...(applied.kind === "applied" ? { change: { call: applied.call, readBack: true } } : {}),
    ...(applied.kind === "failed" ? { error: applied.error } : {}),
    ...(followUp ? { followUp } : {}),
  };
}

function state(split: CanarySplit, spec: CanarySpec, stepIndex: number): CanarySplitState {
  return { ...split, percent: canaryPercent(split), step: stepLabel({ stepIndex }, spec) };
}

function headline(spec: CanarySpec, plan: CanaryStepPlan, outcome: Outcome): string {
  const name = `${spec.name} canary`;
  const from = `${canaryPercent(plan.before)}%`;
  const to = `${canaryPercent(plan.after)}%`;
  const would =
    outcome === "dry-run" ? "dry run — would " : outcome === "planned" ? "plan — would " : undefined;
  const verb = (proposed: string, done: string) => (would === undefined ? done : `${would}${proposed}`);
  if (outcome === "failed") {
    return `${name}: ${plan.action} FAILED, rule still at ${describeSplit(plan.before)} — see thread`;
  }
  switch (plan.action) {
    case "rollback":
      return `${name}: ${verb("roll back", "ROLLED BACK")} ${from} → 0%, stickiness off — ${plan.reason}`;
    case "advance":
      return `${name}: ${verb("advance", "advanced")} ${from} → ${to} (${stepLabel({ stepIndex: plan.toStep }, spec)}, bakes ${spec.steps[plan.toStep]?.bakeMinutes ?? "?"} min)`;
    case "promote":
      return `${name}: ${verb("promote", "promoted")} ${from} → 100% — ${plan.reason}`;
    case "complete":
      return `${name}: ${verb("complete", "completed")} at 100% on the canary group, stickiness off`;
    case "none":
      return `${name}: idle — ${plan.reason}`;
    default:
      return plan.rule === "baking"
        ? `${name}: baking at ${from} — ${plan.reason}`
        : `${name}: held at ${from} (${plan.rule}) — ${plan.reason}`;
  }
}

/** An evaluation that failed before it could decide (rule unreadable, state not saved...). Pure. */
export function failedCanaryDecision(args: {
  spec: CanarySpec;
  trigger: Trigger;
  now: Date;
  mode: Mode;
  groups: CanaryObserved["groups"];
  error: { name: string; message: string; cause?: string };
}): CanaryDecision {
  return {
    automation: "canary",
    target: args.spec.name,
    trigger: args.trigger,
    at: args.now.toISOString(),
    mode: args.mode,
    rule: "evaluation-failed",
    headline: `${args.spec.name} canary: could not evaluate — ${args.error.message}`,
    observed: {
      alarms: [],
      health: { healthy: 0, total: 0, byState: {}, required: args.spec.minHealthyTargets },
      groups: args.groups,
    },
    before: null,
    after: null,
    guards: [],
    outcome: "failed",
    severity: "critical",
    error: args.error,
  };
}

/**
 * Which evaluations reach the run's Slack thread: changes and failures always; holds and dry-run/plan
 * proposals once per episode (a canary stuck on no data must not post every minute); baking and idle
 * evaluations only log. Returns the episode to remember in the record.
 */
export function slackWorthiness(
  decision: CanaryDecision,
  plan: CanaryStepPlan,
  previous: Pick<CanaryRecord, "heldEpisode"> | undefined,
): { post: boolean; heldEpisode?: string } {
  if (decision.outcome === "applied" || decision.outcome === "failed") return { post: true };
  const episode =
    decision.outcome === "dry-run" || decision.outcome === "planned"
      ? `would-${plan.rule}:${plan.toStep}`
      : decision.outcome === "held"
        ? `${plan.rule}:${plan.fromStep}`
        : undefined;
  if (episode === undefined) return { post: false };
  return { post: episode !== previous?.heldEpisode, heldEpisode: episode };
}

/** The run's one-line status for the thread's headline message (refreshed in place). */
export function runStatusLine(spec: CanarySpec, record: CanaryRecord, split: CanarySplit): string {
  const where =
    record.status === "completed" || record.status === "rolled-back"
      ? (record.ended?.how ?? record.status)
      : `${record.status} at ${stepLabel(record, spec)}, ${canaryPercent(split)}% on the canary`;
  return `${spec.name} canary — ${where} · started by ${record.startedBy.author}: ${record.startedBy.reason}`;
}
