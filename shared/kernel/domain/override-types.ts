import type { Automation } from "./decision";

/** The automations an operator can take the wheel from. */
export type OverridableAutomation = Exclude<Automation, "override">;

export const OVERRIDABLE: readonly OverridableAutomation[] = [
  "origin-balancer",
  "flow-control",
  "cert-rotation",
  "canary",
];

/** Stands for "every target" of an automation, or "every automation". */
export const EVERY = "*";

/**
 * What an override makes the automation do instead of deciding:
 * - pin: hold these Route 53 weights on a record set (origin balancer).
 * - force: serve this flow-control mode on a fleet (open, closed, or admitting N new users per second).
 * - pause: change nothing; keep observing and recording.
 */
export type OverrideAction =
  | { kind: "pin"; weights: PinnedWeights }
  | { kind: "force"; mode: FlowMode; admitRate: number }
  | { kind: "pause" };

/** One stored override: one SSM parameter per (automation, target), JSON, versioned. */
export interface StoredOverride {
  id: string;
  automation: OverridableAutomation | typeof EVERY;
  /** A pool, fleet, pair or canary name, or EVERY. */
  target: string;
  action: OverrideAction;
  /** Who the operator says they are. */
  author: string;
  /** Who really invoked the override function (the Lambda caller identity, or the local user). */
  invoker: string;
  reason: string;
  createdAt: string;
  expiresAt: string;
  /** Cleared before its expiry (resume / clear): kept so the automation can say why it resumed. */
  cleared?: { author: string; invoker: string; reason: string; at: string };
}

/** What an automation remembers of the override it last obeyed, to announce its end exactly once. */
export interface OverrideMemory {
  id: string;
  kind: OverrideAction["kind"];
  author: string;
  expiresAt: string;
}

/** A pin's weights by SetIdentifier (the same shape as the balancer's Weights, which the kernel does not import). */
export type PinnedWeights = Record<string, number>;

/** The serving modes of a HAProxy fleet under flow control (an override may force one). */
export type FlowMode = "open" | "closed" | "admitting";
