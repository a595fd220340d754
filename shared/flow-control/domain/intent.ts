import { shortDigest } from "./bounded-state";
import type { AlarmSignal, FlowIntent } from "./types";

export const OPEN: FlowIntent = { mode: "open", admitRate: 0 };
export const CLOSED: FlowIntent = { mode: "closed", admitRate: 0 };

/**
 * flowctl admits 1..10,000 new users per second (infra/instance/flowctl, and the SSM document's
 * allowedPattern): the one limit the stage config and the override input check against, so a rate the
 * data plane would refuse is never stored. test/unit/flow-control/admit-rate-limit.test.ts ties them.
 */
export const MAX_ADMIT_RATE = 10_000;

/**
 * Reads the intent syntax used in the configuration and by flowctl itself.
 * @example "close" -> closed; "admit 50" -> admitting at 50/s; "open" -> open; "admit 0" -> undefined
 */
export function parseIntent(text: string): FlowIntent | undefined {
  if (text === "open") return OPEN;
  if (text === "close") return CLOSED;
  const match = /^admit ([1-9][0-9]{0,4})$/.exec(text);
  const rate = match ? Number(match[1]) : Number.NaN;
  return rate >= 1 && rate <= MAX_ADMIT_RATE ? { mode: "admitting", admitRate: rate } : undefined;
}

/**
 * The `action` parameter of our SSM document (and flowctl's command line) for an intent.
 * @example closed -> "close"; admitting 50 -> "admit 50"
 */
export function intentAction(intent: FlowIntent): string {
  switch (intent.mode) {
    case "open":
      return "open";
    case "closed":
      return "close";
    case "admitting":
      return `admit ${intent.admitRate}`;
  }
}

/** For people: "closed", "admitting 50 new users/s", "open". */
export function describeIntent(intent: FlowIntent | undefined): string {
  if (intent === undefined) return "unknown";
  return intent.mode === "admitting" ? `admitting ${intent.admitRate} new users/s` : intent.mode;
}

export function sameIntent(a: FlowIntent | undefined, b: FlowIntent | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.mode === b.mode && (a.mode !== "admitting" || a.admitRate === b.admitRate);
}

/** New users let through per second: open lets everyone through, closed nobody. */
function allowance(intent: FlowIntent): number {
  if (intent.mode === "open") return Number.POSITIVE_INFINITY;
  return intent.mode === "closed" ? 0 : intent.admitRate;
}

/**
 * A relaxation lets more new users in than before: it must respect the minimum engaged time.
 * Tightening never waits. An unknown "before" counts as open (the fleet's normal state).
 * @example closed -> admitting 50: true; admitting 50 -> closed: false; open -> closed: false
 */
export function isRelaxation(before: FlowIntent | undefined, after: FlowIntent): boolean {
  return allowance(after) > allowance(before ?? OPEN);
}

/**
 * Identifies one alarm state change: SNS redeliveries carry the same three values. A digest, so the
 * remembered keys fit the fleet state whatever the alarm names' length.
 */
export function notificationKey(
  signal: Pick<AlarmSignal, "alarmName" | "state" | "stateChangeTime">,
): string {
  return shortDigest(`${signal.alarmName}|${signal.state}|${signal.stateChangeTime}`);
}
