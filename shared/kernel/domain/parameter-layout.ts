/**
 * Every SSM parameter the autopilot keeps, relative to the stage's `parameterPrefix`, named in one place.
 * The layout is also the IAM boundary: each automation writes only under its own area, and its role
 * allows that area (`writableArea`) or, narrower, exactly the keys named here (the balancer's), so a key
 * added here is covered by its role or a test fails (test/unit/iam/parameter-layout.test.ts).
 */

/** The automations that keep state, and the area of the parameter tree each one owns. */
export const PARAMETER_AREAS = {
  "origin-balancer": "origin-balancer",
  "flow-control": "flow-control",
  "cert-rotation": "cert-rotation",
  canary: "canary",
  overrides: "overrides",
  "slack-chatops": "slack-chatops",
} as const;

export type ParameterArea = keyof typeof PARAMETER_AREAS;

/** What a role may write: everything under its area (`<prefix>/<area>/*`). */
export function writableArea(area: ParameterArea): string {
  return `${PARAMETER_AREAS[area]}/*`;
}

/** The root of the operator overrides: every automation reads it with one by-path call. */
export const OVERRIDES_ROOT = PARAMETER_AREAS.overrides;

/** SSM parameter names cannot hold "*": "every" is stored as "_all" (no configured name starts with "_"). */
export const EVERY_SEGMENT = "_all";

export const parameterKeys = {
  /**
   * The balancer's state of every pool in one hosted zone (weights memory, calibration, override memory),
   * by pool name; a zone that outgrows one standard parameter continues in parts `state-2`, `state-3`...
   * Part 1 says how many parts there are.
   */
  balancerZoneState: (hostedZoneId: string, part = 1) =>
    `${PARAMETER_AREAS["origin-balancer"]}/zones/${hostedZoneId}/state${part === 1 ? "" : `-${part}`}`,
  /** Every part of one zone's state document (an IAM pattern). */
  balancerZoneStateParts: (hostedZoneId: string) =>
    `${PARAMETER_AREAS["origin-balancer"]}/zones/${hostedZoneId}/state*`,
  /** Held while a balancer run writes state or changes Route 53: one writer at a time. */
  balancerLease: () => `${PARAMETER_AREAS["origin-balancer"]}/lease`,
  /** One pool's state before states were kept per hosted zone: read once to carry it over, never written. */
  balancerLegacyPoolState: (pool: string) => `${PARAMETER_AREAS["origin-balancer"]}/${pool}/state`,
  /** A balancer plan waiting for an operator's approval. */
  balancerPendingPlan: (pool: string) => `${PARAMETER_AREAS["origin-balancer"]}/${pool}/plan`,
  /** One fleet's flow-control state: the intent in force and the pending release. */
  fleetState: (fleet: string) => `${PARAMETER_AREAS["flow-control"]}/${fleet}/state`,
  /** One ALB pair's rotation state (the rotation in progress, its journal). */
  pairState: (pair: string) => `${PARAMETER_AREAS["cert-rotation"]}/${pair}/state`,
  /** A rotation plan waiting for an operator's approval. */
  pairPendingPlan: (pair: string) => `${PARAMETER_AREAS["cert-rotation"]}/${pair}/plan`,
  /** One canary's run record. */
  canaryRecord: (canary: string) => `${PARAMETER_AREAS.canary}/${canary}/record`,
  /** The override for one scope (automation or every automation, target or every target). */
  override: (automation: string, target: string) => `${OVERRIDES_ROOT}/${automation}/${target}`,
  /** What an automation last said about the override on a target, so a start or an end is said once. */
  overrideSeen: (area: ParameterArea, target: string) => `${PARAMETER_AREAS[area]}/${target}/override-seen`,
  /** The Slack thread of an incident, inside the area of the automation that owns the incident. */
  incidentThread: (area: ParameterArea, incident: string) => `${PARAMETER_AREAS[area]}/threads/${incident}`,
  /** The short lease a versioned write takes beside a parameter (see the SSM state store). */
  lockOf: (key: string) => `${key}.lock`,
  /** Slack ChatOps' record of the signed requests it already saw (replay guard). */
  slackReplayRoot: () => `${PARAMETER_AREAS["slack-chatops"]}/replay`,
} as const;

/** The incident keys an automation uses to name its incidents ("<area>/<what>"). */
export const incidentKeys = {
  fleet: (fleet: string) => `${PARAMETER_AREAS["flow-control"]}/${fleet}`,
  rotation: (pair: string, rotationId: string) => `${PARAMETER_AREAS["cert-rotation"]}/${pair}/${rotationId}`,
} as const;

export function isParameterArea(name: string): name is ParameterArea {
  return Object.hasOwn(PARAMETER_AREAS, name);
}
