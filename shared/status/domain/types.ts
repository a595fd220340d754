import type { FlowIntent } from "../../flow-control/domain/types";
import type { OverrideAction } from "../../kernel/domain/override-types";
import type { Weights } from "../../origin-balancer/domain/types";

/**
 * The status function's answer: one JSON document with every automation's state. Each item that could not
 * be read carries an `error` instead of failing the whole document (a status that fails whenever one ALB
 * is unreachable is useless in the incident it is needed for).
 *
 * Decisions are logged and posted, not stored: "last decision" fields report what each automation's state
 * keeps between runs (last change, hold episode, intent source, journal), nothing more.
 */
export interface StatusDocument {
  stage: string;
  at: string;
  /** Narrowed to one automation (and target) when the request asked for it. */
  query: StatusQuery;
  originBalancer: Item<PoolStatus, "pool">[];
  flowControl: Item<FleetStatus, "fleet">[];
  certRotation: Item<PairStatus, "pair">[];
  canary: Item<CanaryStatus, "name">[];
  overrides: OverridesStatus | { error: string };
  plans: PlanStatus[] | { error: string };
}

export type StatusAutomation = "origin-balancer" | "flow-control" | "cert-rotation" | "canary";

export interface StatusQuery {
  automation?: StatusAutomation;
  target?: string;
}

/** A section item, or its name and why it could not be read. */
export type Item<T, K extends keyof T> = T | (Pick<T, K> & { error: string });

export function failed<T>(item: T | { error: string }): item is { error: string } & Partial<T> {
  return typeof item === "object" && item !== null && "error" in item;
}

/** An override as status shows it, wherever it applies. */
export interface OverrideView {
  id: string;
  scope: string;
  action: OverrideAction;
  author: string;
  invoker: string;
  reason: string;
  createdAt: string;
  expiresAt: string;
  cleared?: { author: string; reason: string; at: string };
}

export interface PoolStatus {
  pool: string;
  record: string;
  /** Route 53 weights as read now; shares = weight / sum, in percent. */
  weights: Weights;
  shares: Record<string, number>;
  /** undefined: the balancer has stored no state for this pool yet. */
  state?: {
    lastChange?: { at: string; direction: "offload" | "give-back" };
    changesLastHour: number;
    belowReleaseSince?: string;
    heldEpisode?: string;
    noDataSince?: string;
    obeyedOverride?: string;
  };
  /** The stored weight plan (mode plan), if any. */
  plan?: PlanStatus;
  override?: OverrideView;
}

export interface InstanceStatus {
  id: string;
  name?: string;
  /**
   * The mode the fleet's intent asks for, and whether the instance converged to it on the last run
   * (the state keeps the instances that did not). Status never asks the instances: that is a command.
   */
  mode: FlowIntent["mode"] | "unknown";
  result: "converged" | "not-converged" | "unknown";
}

export interface FleetStatus {
  fleet: string;
  tag: string;
  /** undefined: no intent stored yet (the automation has never acted on this fleet). */
  intent?: FlowIntent;
  since?: string;
  engagedAt?: string;
  lastDecision?: {
    source: { alarmName: string; state: string; stateChangeTime: string };
    pendingRelease?: { intent: FlowIntent; heldAt: string };
    heldEpisode?: string;
  };
  instances: InstanceStatus[];
  override?: OverrideView;
}

export interface AlbStatus {
  name: string;
  arn: string;
  /** The colour tag's value as read (blue, green, or whatever a human wrote). */
  color?: string;
  servesDns: boolean;
  certificate?: { arn: string; notAfter?: string; daysLeft?: number; status?: string };
}

export interface PairStatus {
  pair: string;
  balancers: AlbStatus[];
  /** The ALB DNS points at; undefined when none or both. */
  liveAlb?: string;
  /** Why the pair cannot be rotated as it stands (empty when it can). */
  problems: string[];
  state: {
    inFlight?: { id: string; certificateArn: string; startedAt: string; planId?: string };
    lastRotation?: { id: string; certificateArn: string; completedAt: string };
    episode?: string;
  };
  plan?: PlanStatus;
  override?: OverrideView;
}

export interface CanaryStatus {
  name: string;
  /** "never started", or the run's status. */
  status: string;
  step: string;
  weights?: { stable: number; canary: number; canaryPercent: number; sticky: boolean };
  run?: {
    runId: string;
    startedBy: string;
    enteredAt: string;
    pause?: { author: string; reason: string; expiresAt: string };
    pending?: { kind: string; author: string; at: string };
    ended?: { at: string; how: string };
    heldEpisode?: string;
  };
  override?: OverrideView;
}

export interface OverridesStatus {
  active: OverrideView[];
  /** Expired or cleared within the last day, newest end first. */
  recentlyEnded: (OverrideView & { endedAt: string; how: "expired" | "cleared" })[];
}

export interface PlanStatus {
  id: string;
  /** A certificate rotation (cert-rotation/<pair>/plan) or a weight change (origin-balancer/<pool>/plan). */
  automation: "cert-rotation" | "origin-balancer";
  target: string;
  status: string;
  /** A pending plan past its expiry can no longer be approved. */
  expired: boolean;
  createdAt: string;
  expiresAt: string;
  /** What it would do: the certificate to rotate to, or the weights to set (from the weights observed). */
  certificateArn?: string;
  proposed?: Weights;
  observed?: Weights;
  approval?: { author: string; reason: string; at: string };
}
