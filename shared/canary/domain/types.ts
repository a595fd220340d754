/**
 * The canary's domain vocabulary: the step plan from configuration, the forward split an ALB rule
 * holds, and the step record that survives between runs. Pure data, no I/O.
 */

/** One step of the plan: the canary's share of traffic and how long it bakes there. */
export interface CanaryStep {
  /** Percent of traffic on the canary group, in 0.1 steps (ALB weights 0–999 give 0.1% steps). */
  percent: number;
  /** Minutes the gates must stay clear at this step before the next one. */
  bakeMinutes: number;
}

/** Everything the decision needs to know about one configured canary. */
export interface CanarySpec {
  name: string;
  /** Ascending, the last one is 100. */
  steps: CanaryStep[];
  gateAlarms: string[];
  minHealthyTargets: number;
  /** Target-group stickiness while the canary runs; 0 = off. ALB allows 1–604,800 s. */
  stickinessSeconds: number;
}

export interface Stickiness {
  enabled: boolean;
  durationSeconds?: number;
}

/** The two target groups' weights and the group stickiness, as the rule holds (or should hold) them. */
export interface CanarySplit {
  stableWeight: number;
  canaryWeight: number;
  stickiness: Stickiness;
}

export type RunStatus = "running" | "paused" | "completed" | "rolled-back";

/** Who asked for something, why and when. */
export interface Actor {
  author: string;
  reason: string;
  at: string;
}

/** A manual promote or abort, waiting for the next evaluation to carry it out on the rule. */
export interface PendingCommand extends Actor {
  kind: "promote" | "abort";
  /** A promote nobody could carry out in time lapses; an abort never does (it moves toward safety). */
  expiresAt?: string;
}

/** Before the first step: the rule still sends everything to the stable group. */
export const BASELINE_STEP = -1;

/**
 * What one canary run remembers between invocations. The ALB rule stays the source of truth for
 * weights; this record only says where in the plan we are and since when.
 */
export interface CanaryRecord {
  canary: string;
  /** One release = one run; a new start replaces a finished run's record (and its Slack thread). */
  runId: string;
  startedBy: Actor;
  status: RunStatus;
  /** Index into the plan's steps of the step the rule is on; BASELINE_STEP before the first. */
  stepIndex: number;
  /** When this step's weights were read back from the rule: bake time counts from here. */
  enteredAt: string;
  pause?: Actor & { expiresAt: string };
  pending?: PendingCommand;
  /** How a finished run ended, in words (for the status function and the thread headline). */
  ended?: { at: string; how: string };
  /** The hold being reported: posted to Slack once per episode. */
  heldEpisode?: string;
  /** The run's Slack thread: its root is the headline message, refreshed with chat.update. */
  threadTs?: string;
}

export const ACTIVE_STATUSES: readonly RunStatus[] = ["running", "paused"];

/** A run that is running or paused (a finished record still narrows to CanaryRecord when false). */
export function isActive(
  record: CanaryRecord | undefined,
): record is CanaryRecord & { status: "running" | "paused" } {
  return record !== undefined && ACTIVE_STATUSES.includes(record.status);
}

/** The canary target group's health: targets per state ("healthy", "initial", "unhealthy", ...). */
export interface HealthObservation {
  healthy: number;
  total: number;
  byState: Record<string, number>;
}
