import type { AlarmObservation } from "../../kernel/domain/alarm-observation";
import { describeIntent, sameIntent } from "./intent";
import type { FlowPlan } from "./plan-flow-control";
import type { AlarmSignal, FleetPolicy, FleetState, FlowIntent } from "./types";

/**
 * Alarm notifications are confirmed against CloudWatch before flow control acts on them: anyone allowed to
 * publish to the alarm topic could otherwise close a fleet with a made-up message. What is acted on is the
 * state DescribeAlarms reports now; a notification that disagrees with it is not news.
 */

/** Clocks agree within seconds: a state dated later than this after `now` cannot be ordered. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Where the alarm's state came from, said in the decision. */
export const CONFIRMED_GUARD = "alarm-state-confirmed";

/**
 * Why a notification cannot be acted on, or undefined when CloudWatch reports the same state.
 * @example "web-overload" ALARM notified, DescribeAlarms says OK since 20:29 -> "DescribeAlarms says
 *   web-overload is OK (since 2026-11-02T20:29:00.000Z), not ALARM"
 */
export function unconfirmedBecause(
  signal: Pick<AlarmSignal, "alarmName" | "state">,
  observation: AlarmObservation | undefined,
): string | undefined {
  if (observation === undefined) {
    // AWS returns composite alarms only to a DescribeAlarms grant on "*": the role is scoped to the
    // configured alarm ARNs, so a composite alarm reads as missing and is never acted on. Say so.
    return `DescribeAlarms does not know an alarm named ${signal.alarmName} (deleted, never created, or a composite alarm, which the role cannot read): not acted on`;
  }
  if (observation.state === signal.state) return undefined;
  const since = observation.updatedAt ? ` (since ${observation.updatedAt})` : "";
  return `DescribeAlarms says ${signal.alarmName} is ${observation.state}${since}, not ${signal.state}`;
}

/**
 * A notification whose state CloudWatch does not confirm: nothing is sent and nothing stored. A real
 * change arrives as its own notification, and the scheduled run acts on the states CloudWatch reports.
 */
export function unconfirmedPlan(
  signal: AlarmSignal,
  state: FleetState | undefined,
  detail: string,
): FlowPlan {
  return {
    action: "ignore",
    rule: "unconfirmed",
    ...(state ? { before: state.intent } : {}),
    intentChanged: false,
    guards: [{ name: CONFIRMED_GUARD, verdict: "blocked", detail }],
    ...(state ? { nextState: state } : {}),
    reason: `${signal.alarmName} ${signal.state} at ${signal.stateChangeTime} not acted on: ${detail}`,
  };
}

/**
 * The newest alarm state that asks the fleet for something other than what it serves and is newer than
 * the intent in force: news whose notification never arrived (SNS delivery lost, a Lambda retry given up).
 * The scheduled run plans it like a notification dated when CloudWatch says the state began. A release already held as pending is not news: the converge plan applies it when due.
 * @example fleet open, nothing stored; "web-overload" (onAlarm close) in ALARM since 20:25 -> a signal
 *   web-overload ALARM at 20:25; the same with the fleet already closed -> undefined
 */
export function missedSignal(input: {
  fleet: FleetPolicy;
  state: FleetState | undefined;
  observations: readonly AlarmObservation[];
  now: Date;
}): AlarmSignal | undefined {
  const { fleet, state, now } = input;
  const inForce: FlowIntent = state?.intent ?? { mode: "open", admitRate: 0 };
  const candidates: AlarmSignal[] = [];
  for (const mapping of fleet.alarms) {
    const observed = input.observations.find((o) => o.name === mapping.alarmName);
    if (observed === undefined || observed.state === "INSUFFICIENT_DATA") continue;
    const intent = observed.state === "ALARM" ? mapping.onAlarm : mapping.onOk;
    if (intent === undefined || sameIntent(intent, inForce)) continue;
    if (state?.pendingRelease && sameIntent(state.pendingRelease.intent, intent)) continue;
    // A state that cannot be ordered against the intent in force is no news: without a time, or dated
    // after our clock (only a clock set in the past, as in a replayed day, sees that).
    const began = Date.parse(observed.updatedAt ?? "");
    if (!Number.isFinite(began) || began > now.getTime() + MAX_CLOCK_SKEW_MS) continue;
    const at = new Date(Math.min(began, now.getTime()));
    if (state !== undefined && at.getTime() <= Date.parse(state.source.stateChangeTime)) continue;
    candidates.push({
      alarmName: mapping.alarmName,
      state: observed.state,
      stateChangeTime: at.toISOString(),
      reason: `read by the scheduled run, no notification of it was handled (asks for ${describeIntent(intent)})${observed.reason ? `: ${observed.reason}` : ""}`,
    });
  }
  return candidates.sort((a, b) => Date.parse(b.stateChangeTime) - Date.parse(a.stateChangeTime))[0];
}
