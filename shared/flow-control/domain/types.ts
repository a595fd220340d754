/**
 * Flow control as the automation sees it: an intent per fleet (the mode every HAProxy instance of the fleet
 * should serve), the alarm mapping that produces intents, and what is remembered between invocations.
 */

/** The modes flowctl serves: everyone passes, only cookie holders pass, or N new users per second too. */
import type { FlowMode } from "../../kernel/domain/override-types";

export type { FlowMode };

/** A mode and its admission rate; the rate is 0 unless the mode is "admitting". */
export interface FlowIntent {
  mode: FlowMode;
  admitRate: number;
}

/** What one alarm means for a fleet: the intent for its ALARM state and/or for its OK state. */
export interface AlarmMapping {
  alarmName: string;
  onAlarm?: FlowIntent;
  onOk?: FlowIntent;
}

export interface FleetTag {
  key: string;
  value: string;
}

/** One fleet's slice of the configuration, as the pure policy needs it. */
export interface FleetPolicy {
  name: string;
  tag: FleetTag;
  alarms: AlarmMapping[];
  /** A relaxation (close -> admit, anything -> open) waits until the fleet has been engaged this long. */
  minEngagedMinutes: number;
}

export type AlarmState = "ALARM" | "OK" | "INSUFFICIENT_DATA";

/** The part of a CloudWatch alarm notification the policy decides on. */
export interface AlarmSignal {
  alarmName: string;
  state: AlarmState;
  previousState?: AlarmState;
  /** ISO time of the alarm's state change: orders notifications, which SNS may deliver late or twice. */
  stateChangeTime: string;
  reason?: string;
}

/** Where an applied intent came from: an alarm transition, or nothing more than the stored intent itself. */
export interface IntentSource {
  alarmName: string;
  state: AlarmState;
  stateChangeTime: string;
}

/** A relaxation held back by the minimum engaged time; the scheduled converge run applies it when due. */
export interface PendingRelease {
  intent: FlowIntent;
  source: IntentSource;
  heldAt: string;
}

/** What flow control remembers per fleet (StateStore). The per-instance truth is flowctl's own answer. */
export interface FleetState {
  /** The mode every instance of the fleet should serve. */
  intent: FlowIntent;
  /** The notification whose intent is in force: older notifications are stale. */
  source: IntentSource;
  appliedAt: string;
  /** Since when the fleet has not been open; cleared when it opens again. */
  engagedAt?: string;
  pendingRelease?: PendingRelease;
  /** Keys of the most recent notifications handled (bounded): SNS delivers at least once. */
  seen: string[];
  /** Instances that had not converged at the end of the last run: a repeat is posted once, not every run. */
  unconverged?: string[];
  /** How many did not converge, when more than the listed ones (bounded-state.ts keeps the state < 4 KB). */
  unconvergedCount?: number;
  /** The hold last posted to Slack (no data, minimum engaged time): the same hold is posted once. */
  heldEpisode?: string;
}

/** How many notification keys are remembered for duplicate detection. */
export const SEEN_LIMIT = 20;
