import type { Decision, Mode, Outcome, Severity, Trigger } from "../../kernel/domain/decision";
import type { CandidateVerdict } from "./candidates";
import type { CertPlan } from "./plan-rotation";
import { afterSteps, type PairSnapshot, type RotationStep } from "./snapshot";
import type { CertificateFacts, InFlightRotation } from "./types";

export interface CertObserved {
  pair: string;
  requiredHostnames: string[];
  candidates: CandidateVerdict[];
  serving?: { certificateArn: string; notAfter?: string; daysLeft?: number };
  /** The new certificate of a rotation, with its names, for the message. */
  certificate?: { arn: string; names: string[]; notAfter?: string };
  problems: string[];
  eventCertificateArn?: string;
  inFlight?: InFlightRotation;
  plan?: { id: string; status: string; expiresAt: string };
}

export type CertDecision = Decision<CertObserved, PairSnapshot>;

/** What the workflow learned when it acted (or chose not to) on the plan. */
export type CertApplyResult =
  | { kind: "not-attempted" }
  | { kind: "planned"; planId: string; expiresAt: string; repeated: boolean; refused?: string }
  | { kind: "conflict"; detail: string }
  | { kind: "applied"; stepsDone: RotationStep[]; dns?: { changeId: string; status: "PENDING" | "INSYNC" } }
  | {
      kind: "failed";
      stepsDone: RotationStep[];
      failedStep?: RotationStep;
      error: { name: string; message: string; cause?: string };
    };

const HOLDS = new Set([
  "cooldown",
  "expiring-no-candidate",
  "inconsistent-pair",
  "rotation-stuck",
  "rotation-in-progress",
]);

/** Builds the Decision record of one pair's evaluation. Pure. */
export function certDecision(args: {
  pair: string;
  trigger: Trigger;
  now: Date;
  mode: Mode;
  plan: CertPlan;
  observed: CertObserved;
  applied: CertApplyResult;
  certificates: ReadonlyMap<string, CertificateFacts>;
}): CertDecision {
  const { plan, applied, mode } = args;
  const outcome = outcomeOf(plan, applied, mode);
  const after =
    applied.kind === "applied" || applied.kind === "failed"
      ? afterSteps(plan.before, applied.stepsDone, args.certificates)
      : plan.before;
  const severity: Severity =
    outcome === "failed"
      ? "critical"
      : applied.kind === "conflict" || (applied.kind === "planned" && applied.refused !== undefined)
        ? "warn"
        : (plan.alert?.severity ?? "info");
  const guards =
    applied.kind === "conflict"
      ? [...plan.guards, { name: "single-writer", verdict: "blocked" as const, detail: applied.detail }]
      : plan.guards;
  const change: Record<string, string | number | boolean> = {};
  if (applied.kind === "applied" || applied.kind === "failed") change.stepsDone = applied.stepsDone.length;
  if (applied.kind === "applied" && applied.dns) {
    change.route53ChangeId = applied.dns.changeId;
    change.dnsStatus = applied.dns.status;
  }
  if (applied.kind === "failed" && applied.failedStep) change.failedStep = applied.failedStep.kind;
  if (applied.kind === "planned") change.planId = applied.planId;
  if (plan.rotation) change.rotationId = plan.rotation.id;
  return {
    automation: "cert-rotation",
    target: args.pair,
    trigger: args.trigger,
    at: args.now.toISOString(),
    mode,
    rule: plan.rule,
    headline: headline(args.pair, plan, applied, outcome),
    observed: args.observed,
    before: plan.before,
    after,
    guards,
    outcome,
    severity,
    ...(Object.keys(change).length > 0 ? { change } : {}),
    ...(applied.kind === "failed" ? { error: applied.error } : {}),
  };
}

function outcomeOf(plan: CertPlan, applied: CertApplyResult, mode: Mode): Outcome {
  switch (applied.kind) {
    case "failed":
      return "failed";
    case "conflict":
      return "held";
    case "planned":
      return "planned";
    case "applied":
      return applied.stepsDone.length > 0 ? "applied" : "unchanged";
  }
  if (plan.rule === "ignored") return "ignored";
  if (HOLDS.has(plan.rule)) return "held";
  if (plan.steps.length > 0 && mode === "dry-run") return "dry-run";
  return "unchanged";
}

function headline(pair: string, plan: CertPlan, applied: CertApplyResult, outcome: Outcome): string {
  const to = plan.after.balancers.find((b) => b.dns)?.name ?? "?";
  const cert = shortArn(plan.rotation?.certificateArn);
  switch (outcome) {
    case "applied":
      return plan.rotation?.resumed
        ? `${pair}: finished interrupted rotation ${plan.rotation.id} — ${to} is green with DNS, serving ${cert}`
        : `${pair}: rotated to certificate ${cert} — ${to} is green with DNS`;
    case "failed": {
      const step = applied.kind === "failed" ? (applied.failedStep?.kind ?? "a step") : "a step";
      const message = applied.kind === "failed" ? applied.error.message : "";
      return `${pair}: rotation FAILED at ${step} (${message}); the next run resumes it`;
    }
    case "planned":
      return applied.kind === "planned" && applied.refused
        ? `${pair}: ${applied.refused}; new plan ${applied.planId} awaits approval`
        : `${pair}: rotation to ${cert} planned (${applied.kind === "planned" ? applied.planId : "?"}), awaiting approval`;
    case "dry-run":
      return `${pair}: dry run — would rotate to ${cert}: ${to} green with DNS`;
    case "held":
      return applied.kind === "conflict"
        ? `${pair}: another run is acting on the pair — ${applied.detail}`
        : `${pair}: ${plan.reason}`;
    default:
      return `${pair}: ${plan.reason}`;
  }
}

/** The part of an ARN a human compares: the certificate id (".../certificate/1a2b..." -> "1a2b..."). */
export function shortArn(arn: string | undefined): string {
  if (arn === undefined) return "?";
  const slash = arn.lastIndexOf("/");
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/**
 * Which evaluations reach Slack: changes, failures and finished rotations always; plans, dry runs,
 * holds and alerts once per episode (an expiry alert's episode includes the days left, so it repeats
 * daily); in-sync runs and ignored events only log. Returns the episode to remember.
 */
export function slackWorthiness(
  decision: CertDecision,
  plan: CertPlan,
  applied: CertApplyResult,
  previousEpisode: string | undefined,
): { post: boolean; episode?: string } {
  if (decision.outcome === "applied" || decision.outcome === "failed") return { post: true };
  if (plan.rule === "finish-rotation" && applied.kind === "applied") return { post: true };
  if (decision.outcome === "ignored")
    return { post: false, ...(previousEpisode ? { episode: previousEpisode } : {}) };
  let episode: string | undefined;
  if (applied.kind === "planned") episode = `plan:${applied.planId}`;
  else if (applied.kind === "conflict") episode = previousEpisode;
  else if (decision.outcome === "dry-run") episode = `dry-run:${plan.rotation?.id}`;
  else episode = plan.alert?.episode;
  if (episode === undefined) return { post: false };
  return { post: episode !== previousEpisode, episode };
}
