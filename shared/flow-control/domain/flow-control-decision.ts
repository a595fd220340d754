import type { Decision, Mode, Outcome, Severity, Trigger } from "../../kernel/domain/decision";
import { boundedUnconverged } from "./bounded-state";
import { describeIntent } from "./intent";
import { countByStatus, type InstanceResult, type InstanceStatus } from "./invocation-result";
import type { FlowPlan } from "./plan-flow-control";
import type { AlarmSignal, FleetState, FleetTag, FlowIntent, FlowMode } from "./types";

export interface FlowObserved {
  fleet?: { name: string; tag: FleetTag };
  signal?: AlarmSignal;
  /** Every instance of the fleet and where it ended up (empty when nothing was sent). */
  instances: InstanceResult[];
  counts: Record<InstanceStatus, number>;
  /** Dry run: the instances that would have been sent the intent. */
  wouldSendTo?: string[];
}

export interface FleetModeState {
  mode: FlowMode | "unknown";
  admitRate: number;
}

export type FlowDecision = Decision<FlowObserved, FleetModeState>;

/** What the workflow learned when it tried to reach the fleet. */
export type FleetApply =
  | { kind: "not-attempted"; wouldSendTo?: string[] }
  | { kind: "sent"; instances: InstanceResult[]; commandIds: string[] }
  | {
      kind: "failed";
      error: { name: string; message: string; cause?: string };
      instances?: InstanceResult[];
    };

/** Builds the Decision of one fleet for one notification or scheduled run. Pure. */
export function flowDecision(args: {
  fleet: { name: string; tag: FleetTag };
  trigger: Trigger;
  now: Date;
  mode: Mode;
  plan: FlowPlan;
  signal?: AlarmSignal;
  applied: FleetApply;
}): FlowDecision {
  const { plan, applied, fleet } = args;
  const target = fleetTarget(fleet);
  const instances =
    applied.kind === "sent" ? applied.instances : applied.kind === "failed" ? (applied.instances ?? []) : [];
  const counts = countByStatus(instances);
  const outcome = outcomeOf(plan, applied, args.mode);
  const error =
    applied.kind === "failed"
      ? applied.error
      : outcome === "failed"
        ? partialFailure(plan.intent, instances, counts)
        : undefined;
  const after =
    outcome === "applied" || outcome === "unchanged" || outcome === "failed" ? plan.intent : plan.before;
  return {
    automation: "flow-control",
    target,
    trigger: args.trigger,
    at: args.now.toISOString(),
    mode: args.mode,
    rule: plan.rule,
    headline: headline(target, plan, outcome, instances, counts, applied, error),
    observed: {
      fleet,
      ...(args.signal ? { signal: args.signal } : {}),
      instances,
      counts,
      ...(applied.kind === "not-attempted" && applied.wouldSendTo
        ? { wouldSendTo: applied.wouldSendTo }
        : {}),
    },
    before: modeState(plan.before),
    after: modeState(after),
    guards: plan.guards,
    outcome,
    severity: severityOf(outcome, plan),
    ...(applied.kind === "sent" || (applied.kind === "failed" && applied.instances)
      ? {
          change: {
            ...(applied.kind === "sent" ? { commandIds: applied.commandIds.join(",") } : {}),
            converged: counts.converged,
            failed: counts.failed,
            undeliverable: counts.undeliverable,
            running: counts.running,
          },
        }
      : {}),
    ...(error ? { error } : {}),
  };
}

/** An alarm that no fleet maps: reported (someone subscribed it to our topic), never acted on. */
export function unknownAlarmDecision(args: {
  signal: AlarmSignal;
  trigger: Trigger;
  now: Date;
  mode: Mode;
  knownAlarms: readonly string[];
}): FlowDecision {
  const { signal } = args;
  const known = args.knownAlarms.length > 0 ? args.knownAlarms.join(", ") : "none";
  return {
    automation: "flow-control",
    target: `alarm:${signal.alarmName}`,
    trigger: args.trigger,
    at: args.now.toISOString(),
    mode: args.mode,
    rule: "unknown-alarm",
    headline: `Ignored alarm ${signal.alarmName} (${signal.state}): no fleet maps it — nothing changed (configured alarms: ${known})`,
    observed: { signal, instances: [], counts: countByStatus([]) },
    before: { mode: "unknown", admitRate: 0 },
    after: { mode: "unknown", admitRate: 0 },
    guards: [],
    outcome: "ignored",
    severity: "warn",
  };
}

/**
 * Which decisions reach Slack. Alarm-driven: changes, failures and unknown alarms always; a hold (no data,
 * minimum engaged time) once per episode: one metric outage turning several of a fleet's alarms to
 * INSUFFICIENT_DATA, or a release alarm flapping while its release is held, is one message, not one per
 * notification. The episode ends with the next change or failure (a no-data one also when an alarm has
 * data again). Duplicates, stale and meaningless states are only logged. Scheduled converge runs: only
 * when an instance changed, or when the set of instances that do not converge is new (one message per
 * failure episode, not one every run). Returns what to remember for the next run. `wanted`: the intent
 * the plan asked for (what a hold holds back).
 */
export function slackWorthiness(
  decision: FlowDecision,
  previous: FleetState | undefined,
  wanted?: FlowIntent,
): { post: boolean; unconverged: string[]; heldEpisode?: string } {
  const unconverged = decision.observed.instances
    .filter((i) => i.status !== "converged")
    .map((i) => i.instanceId)
    .sort();
  const kept = previous?.heldEpisode;
  const keep = (post: boolean) => ({ post, unconverged, ...(kept ? { heldEpisode: kept } : {}) });
  if (decision.trigger.kind !== "schedule") {
    // Repeats say nothing new and must not end an episode. "no-intent" is an alarm with data again: it
    // ends a no-data episode, but not a held release (its alarm flapping ALARM -> OK -> ALARM is one hold).
    if (["duplicate", "stale", "nothing-stored"].includes(decision.rule)) return keep(false);
    if (decision.rule === "no-intent" && kept?.startsWith("insufficient-data:"))
      return { post: false, unconverged };
    if (decision.rule === "no-intent") return keep(false);
    if (decision.outcome === "held") {
      const { mode, admitRate } = decision.before;
      const heldEpisode = `${decision.rule}:${mode}/${admitRate}->${wanted ? describeIntent(wanted) : "-"}`;
      return { post: heldEpisode !== kept, unconverged, heldEpisode };
    }
    // Reported (e.g. a notification dated in the future) but it changed nothing: the episode goes on.
    if (decision.outcome === "ignored") return keep(true);
    return { post: true, unconverged };
  }
  // A scheduled run that applies a held release ends that hold's episode; a plain converge keeps it.
  const episode = decision.rule === "converge" ? keep : (post: boolean) => ({ post, unconverged });
  if (decision.outcome === "applied" || decision.outcome === "dry-run") return episode(true);
  if (decision.outcome === "failed") {
    const before = [...(previous?.unconverged ?? [])].sort();
    const beforeCount = previous?.unconvergedCount ?? before.length;
    const now = boundedUnconverged(unconverged);
    const empty = decision.observed.instances.length === 0 && decision.error !== undefined;
    const changed =
      before.join(",") !== now.unconverged.join(",") ||
      beforeCount !== (now.unconvergedCount ?? unconverged.length);
    return episode(empty || changed);
  }
  return episode(false);
}

export function fleetTarget(fleet: { name: string; tag: FleetTag }): string {
  return `fleet ${fleet.name} (${fleet.tag.key}=${fleet.tag.value})`;
}

function outcomeOf(plan: FlowPlan, applied: FleetApply, mode: Mode): Outcome {
  if (plan.action === "ignore") return "ignored";
  if (plan.action === "hold") return "held";
  if (applied.kind === "failed") return "failed";
  if (applied.kind === "not-attempted") return mode === "plan" ? "planned" : "dry-run";
  if (applied.instances.length === 0) return "failed";
  if (applied.instances.some((i) => i.status !== "converged")) return "failed";
  return plan.intentChanged || applied.instances.some((i) => i.changed) ? "applied" : "unchanged";
}

function severityOf(outcome: Outcome, plan: FlowPlan): Severity {
  if (outcome === "failed") return "critical";
  if (outcome === "held") return "warn";
  if (outcome === "ignored") return plan.rule === "unknown-alarm" ? "warn" : "info";
  // Users are being turned away while the gate is engaged: worth a yellow line, not a green one.
  if ((outcome === "applied" || outcome === "dry-run") && plan.intentChanged && plan.intent?.mode !== "open")
    return "warn";
  return "info";
}

function partialFailure(
  intent: FlowIntent | undefined,
  instances: readonly InstanceResult[],
  counts: Record<InstanceStatus, number>,
): { name: string; message: string } {
  if (instances.length === 0) {
    return {
      name: "EmptyFleetError",
      message: "no running instance carries the fleet tag: nothing was sent",
    };
  }
  const parts = (["failed", "undeliverable", "running"] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s === "running" ? "still running" : s}`);
  return {
    name: "FleetPartialFailureError",
    message: `${instances.length - counts.converged} of ${instances.length} instances do not serve ${describeIntent(intent)} yet (${parts.join(", ")}); the scheduled converge run re-sends it`,
  };
}

function modeState(intent: FlowIntent | undefined): FleetModeState {
  return intent === undefined
    ? { mode: "unknown", admitRate: 0 }
    : { mode: intent.mode, admitRate: intent.admitRate };
}

const VERB: Record<FlowMode, string> = { closed: "closed", admitting: "admitting", open: "open" };

function headline(
  target: string,
  plan: FlowPlan,
  outcome: Outcome,
  instances: readonly InstanceResult[],
  counts: Record<InstanceStatus, number>,
  applied: FleetApply,
  error: { message: string } | undefined,
): string {
  const intent = describeIntent(plan.intent);
  const total = instances.length;
  switch (outcome) {
    case "applied": {
      const what =
        plan.rule === "engage"
          ? "flow control ENGAGED"
          : plan.rule === "release"
            ? "flow control released"
            : plan.rule === "admit"
              ? `admission set to ${plan.intent?.admitRate ?? "?"} new users/s`
              : `${intent} re-applied`;
      return `${target}: ${what} — ${counts.converged}/${total} instances ${plan.intent ? VERB[plan.intent.mode] : "?"} (${plan.reason})`;
    }
    case "unchanged":
      return `${target}: already ${intent} on all ${total} instances (${plan.reason})`;
    case "dry-run":
    case "planned": {
      const count = applied.kind === "not-attempted" ? (applied.wouldSendTo?.length ?? 0) : 0;
      return `${target}: dry run — would send ${intent} to ${count} instances (${plan.reason})`;
    }
    case "failed":
      if (plan.rule === "evaluation-failed")
        return `${target}: could not evaluate — ${error?.message ?? plan.reason}`;
      if (total === 0) return `${target}: could not apply ${intent} — ${error?.message ?? "unknown error"}`;
      return `${target}: PARTIAL — ${counts.converged}/${total} instances ${intent}; ${[
        counts.failed ? `${counts.failed} failed` : "",
        counts.undeliverable ? `${counts.undeliverable} undeliverable` : "",
        counts.running ? `${counts.running} still running` : "",
      ]
        .filter(Boolean)
        .join(", ")} — the converge run retries`;
    case "held":
      return plan.rule === "insufficient-data"
        ? `${target}: holding ${describeIntent(plan.before)} — ${plan.reason}`
        : `${target}: ${intent} held by ${plan.rule} — ${plan.reason}; still ${describeIntent(plan.before)}`;
    default:
      return `${target}: ignored (${plan.rule}) — ${plan.reason}`;
  }
}
