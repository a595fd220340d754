import type { Decision, Mode, Outcome, Severity, Trigger } from "../../kernel/domain/decision";
import type { ExcludedMinute } from "./cache-miss-load";
import type { LoadForecast } from "./load-forecast";
import type { BalancerPlan } from "./plan-weights";
import type { BalancerState, LoadSample, OriginSpec, Weights } from "./types";
import { weightsToShares } from "./weights";

export interface BalancerObserved {
  /** The formula load per minute, before calibration. */
  samples: LoadSample[];
  /** The correction by the observed origin metrics, and what it rests on (every decision shows it). */
  calibration?: { status: string; factor: number; estimate?: number; usedMinutes: number; summary: string };
  /** After an applied change: did the observed load move as planned. */
  effect?: { kind: string; detail: string };
  excluded: ExcludedMinute[];
  forecast?: LoadForecast;
  projectedLoad?: Record<string, number>;
  origins: OriginSpec[];
}

export interface WeightsState {
  weights: Weights;
  shares: Record<string, number>;
}

export type BalancerDecision = Decision<BalancerObserved, WeightsState>;

/** What the workflow learned when it tried to apply the plan. */
export type ApplyResult =
  | { kind: "not-attempted" }
  | { kind: "applied"; changeId: string; status: "PENDING" | "INSYNC" }
  | { kind: "failed"; error: { name: string; message: string; cause?: string } };

/** Builds the Decision record of one pool's evaluation. Pure. */
export function balancerDecision(args: {
  target: string;
  trigger: Trigger;
  now: Date;
  mode: Mode;
  plan: BalancerPlan;
  observed: BalancerObserved;
  applied: ApplyResult;
  /** Plan mode: what happened to the stored plan (awaiting approval, refused approval...), said last. */
  planNote?: string;
}): BalancerDecision {
  const { plan, applied, mode } = args;
  const outcome: Outcome =
    applied.kind === "failed"
      ? "failed"
      : applied.kind === "applied"
        ? "applied"
        : plan.changed
          ? mode === "plan"
            ? "planned"
            : "dry-run"
          : plan.rule === "no-data" || plan.rule === "override-pause" || blocked(plan)
            ? "held"
            : "unchanged";
  const after = outcome === "applied" ? plan.after : plan.before;
  const severity: Severity =
    outcome === "failed"
      ? "critical"
      : plan.urgent || plan.rule === "no-data" || blocked(plan)
        ? "warn"
        : "info";
  return {
    automation: "origin-balancer",
    target: args.target,
    trigger: args.trigger,
    at: args.now.toISOString(),
    mode,
    rule: plan.rule,
    headline: withPlanNote(headline(args.target, plan, outcome), args.planNote),
    observed: args.observed,
    before: { weights: plan.before, shares: weightsToShares(plan.before) },
    after: { weights: after, shares: weightsToShares(after) },
    guards: plan.guards,
    outcome,
    severity,
    ...(applied.kind === "applied"
      ? { change: { route53ChangeId: applied.changeId, status: applied.status } }
      : {}),
    ...(applied.kind === "failed" ? { error: applied.error } : {}),
  };
}

const withPlanNote = (text: string, note?: string) => (note ? `${text} — ${note}` : text);

function blocked(plan: BalancerPlan): boolean {
  return plan.guards.some(
    (g) => g.verdict === "blocked" && g.name !== "release-wait" && g.name !== "dead-band",
  );
}

function headline(target: string, plan: BalancerPlan, outcome: Outcome): string {
  const split = (w: Weights) =>
    Object.entries(weightsToShares(w))
      .map(([id, share]) => `${id} ${Math.round(share * 100)}%`)
      .join(" / ");
  if (plan.rule === "override-pin") {
    return outcome === "applied" || outcome === "dry-run"
      ? `${target}: ${outcome === "dry-run" ? "dry run — would pin" : "pinned"} ${split(plan.before)} → ${split(plan.after)} (${plan.reason})`
      : outcome === "failed"
        ? `${target}: pinning weights FAILED, still ${split(plan.before)} — see thread`
        : `${target}: holding pinned weights ${split(plan.before)} (${plan.reason})`;
  }
  switch (outcome) {
    case "applied":
      return `${target}: ${plan.rule === "offload" ? "moved load off" : "gave load back"} — ${split(plan.before)} → ${split(plan.after)} (${plan.reason})`;
    case "planned":
      return `${target}: plan — would ${plan.rule === "offload" ? "move load off" : "give load back"}: ${split(plan.before)} → ${split(plan.after)} (${plan.reason})`;
    case "dry-run":
      return `${target}: dry run — would ${plan.rule === "offload" ? "move load off" : "give load back"}: ${split(plan.before)} → ${split(plan.after)} (${plan.reason})`;
    case "failed":
      return `${target}: weight change FAILED, still ${split(plan.before)} — see thread`;
    default: {
      const guard = plan.guards.find((g) => g.verdict === "blocked");
      if (plan.rule === "no-data")
        return `${target}: no usable metrics — holding ${split(plan.before)} (${plan.reason})`;
      return guard
        ? `${target}: change held by ${guard.name} — ${guard.detail}; keeping ${split(plan.before)}`
        : `${target}: ${plan.reason}; keeping ${split(plan.before)}`;
    }
  }
}

/**
 * Which evaluations reach Slack: changes, dry-run changes and failures always; a hold (no data, a
 * blocking guard) once per episode; unchanged evaluations only log. Returns the episode to remember.
 */
export function slackWorthiness(
  decision: BalancerDecision,
  previous: BalancerState,
): { post: boolean; heldEpisode?: string } {
  if (decision.outcome === "applied" || decision.outcome === "dry-run" || decision.outcome === "failed") {
    return { post: true };
  }
  const guard = decision.guards.find(
    (g) => g.verdict === "blocked" && g.name !== "release-wait" && g.name !== "dead-band",
  );
  const episode = decision.rule === "no-data" ? "no-data" : guard ? `guard:${guard.name}` : undefined;
  if (episode === undefined) return { post: false };
  return { post: episode !== previous.heldEpisode, heldEpisode: episode };
}
