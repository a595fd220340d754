import type { Guard } from "../../kernel/domain/decision";
import { describeIntent, isRelaxation, notificationKey, sameIntent } from "./intent";
import {
  type AlarmSignal,
  type FleetPolicy,
  type FleetState,
  type FlowIntent,
  type IntentSource,
  SEEN_LIMIT,
} from "./types";

/** apply: send `intent` to every instance; hold: a change is wanted but must wait; ignore: nothing to do. */
export type FlowAction = "apply" | "hold" | "ignore";

export type FlowRule =
  | "engage" // apply closed: only cookie holders (and allowlists) pass
  | "admit" // apply admitting N: cookie holders plus N new users per second
  | "release" // apply open: everyone passes
  | "converge" // scheduled: re-send the intent in force so instances that missed it catch up
  | "insufficient-data" // the alarm cannot judge: hold whatever is in force, never read it as OK
  | "min-engaged-time" // a relaxation before the fleet was engaged long enough: held, applied later
  | "duplicate" // the same alarm state change again (SNS delivers at least once)
  | "stale" // older than the intent in force: out of order, must not undo a newer decision
  | "implausible-time" // from the future or days old: not a live notification, must not set the intent
  | "no-intent" // this alarm state means nothing for the fleet (e.g. the engage alarm back to OK)
  | "unknown-alarm" // no fleet maps this alarm: reported, not acted on
  | "unconfirmed" // CloudWatch reports another state than the notification: not acted on (forged or superseded)
  | "nothing-stored" // scheduled: flow control never acted on this fleet, so there is nothing to converge
  | "evaluation-failed" // the fleet state could not be read or stored: nothing was sent
  | "override-force" // an operator forced a mode: it is served whatever the alarms say
  | "override-pause" // an operator paused flow control: nothing is sent, alarms are still tracked
  | "override-ended"; // the override ended: the automation's own intent is sent again

export interface FlowPlan {
  action: FlowAction;
  rule: FlowRule;
  /** The intent in force before this notification (undefined: flow control never acted on the fleet). */
  before?: FlowIntent;
  /** apply: what every instance is sent; hold: what is wanted once the guard allows. */
  intent?: FlowIntent;
  /** The fleet's intent differs from `before` (false for a re-send of the same intent). */
  intentChanged: boolean;
  guards: Guard[];
  /** What to store; undefined = nothing to remember (no intent was ever applied and none is now). */
  nextState?: FleetState;
  reason: string;
  /** A scheduled run acting on an alarm state it read (its notification never arrived): that state. */
  readSignal?: AlarmSignal;
}

const MINUTE = 60_000;

/**
 * How far a notification's StateChangeTime may be from the function's clock. Clocks agree within
 * seconds; Lambda keeps an async event at most 6 hours. One dated next year would make every real
 * notification "stale" until then; one from years ago is a replay, not news.
 */
const MAX_CLOCK_SKEW_MS = 5 * MINUTE;
const MAX_NOTIFICATION_AGE_MS = 24 * 60 * MINUTE;

/**
 * Decides what one alarm notification means for one fleet.
 *
 * Tightening is immediate. A relaxation (closed -> admitting, anything -> open) waits until the fleet has
 * been engaged for `minEngagedMinutes`; the held release is stored and the scheduled converge run applies
 * it when due, because an alarm that stays in ALARM never notifies again. Notifications older than the
 * intent in force are stale, repeats are duplicates: neither changes anything. INSUFFICIENT_DATA holds.
 *
 * @example two-alarm setup, minEngagedMinutes 10, fleet closed by "web-5xx-high" at 12:00:
 *   "web-5xx-normal" ALARM at 12:04 -> hold (min-engaged-time, pending release stored);
 *   the same at 12:11 -> apply open (release); "web-5xx-high" OK from 11:58 arriving late -> ignore (stale)
 */
export function planAlarm(input: {
  signal: AlarmSignal;
  fleet: FleetPolicy;
  state: FleetState | undefined;
  now: Date;
}): FlowPlan {
  const { signal, fleet, state, now } = input;
  const before = state?.intent;
  const key = notificationKey(signal);
  const remembered = state === undefined ? undefined : remember(state, key);
  const what = `${signal.alarmName} ${signal.previousState ?? "?"} → ${signal.state} at ${signal.stateChangeTime}`;
  const skip = (
    action: "hold" | "ignore",
    rule: FlowRule,
    reason: string,
    extra: Partial<FlowPlan> = {},
  ) => ({
    action,
    rule,
    before,
    intentChanged: false,
    guards: [],
    nextState: remembered,
    reason,
    ...extra,
  });

  const mapping = fleet.alarms.find((a) => a.alarmName === signal.alarmName);
  if (mapping === undefined) {
    return skip("ignore", "unknown-alarm", `${signal.alarmName} is not mapped to fleet ${fleet.name}`, {
      nextState: state,
    });
  }
  const age = now.getTime() - Date.parse(signal.stateChangeTime);
  if (!(age >= -MAX_CLOCK_SKEW_MS && age <= MAX_NOTIFICATION_AGE_MS)) {
    return skip(
      "ignore",
      "implausible-time",
      `${what} is ${age < 0 ? "from the future" : "over a day old"} (now ${now.toISOString()}): not a live notification`,
      { nextState: state },
    );
  }
  if (state?.seen.includes(key)) {
    return skip("ignore", "duplicate", `${what} was already handled`, { nextState: state });
  }
  if (state !== undefined && Date.parse(signal.stateChangeTime) < Date.parse(state.source.stateChangeTime)) {
    return skip(
      "ignore",
      "stale",
      `${what} is older than the intent in force (${describeIntent(state.intent)} from ${state.source.alarmName} ${state.source.state} at ${state.source.stateChangeTime})`,
    );
  }
  if (signal.state === "INSUFFICIENT_DATA") {
    return skip(
      "hold",
      "insufficient-data",
      `${signal.alarmName} has insufficient data: keeping ${describeIntent(before)}, an alarm without data is not a recovery`,
    );
  }
  const intent = signal.state === "ALARM" ? mapping.onAlarm : mapping.onOk;
  if (intent === undefined) {
    return skip(
      "ignore",
      "no-intent",
      `${what}: this state of ${signal.alarmName} has no intent for ${fleet.name}`,
    );
  }
  const source: IntentSource = {
    alarmName: signal.alarmName,
    state: signal.state,
    stateChangeTime: signal.stateChangeTime,
  };
  const guard = engagedTimeGuard(state, intent, fleet, now);
  if (guard?.verdict === "blocked" && remembered !== undefined) {
    return skip("hold", "min-engaged-time", `${what} asks for ${describeIntent(intent)}: ${guard.detail}`, {
      intent,
      guards: [guard],
      nextState: { ...remembered, pendingRelease: { intent, source, heldAt: now.toISOString() } },
    });
  }
  // A held release newer than this notification stays pending: this one must not cancel newer news.
  const pending =
    state?.pendingRelease !== undefined &&
    Date.parse(state.pendingRelease.source.stateChangeTime) > Date.parse(signal.stateChangeTime)
      ? state.pendingRelease
      : undefined;
  return applyPlan(
    { state, intent, source, now, pending, seen: remembered?.seen ?? [key] },
    {
      rule: ruleFor(intent),
      guards: guard ? [guard] : [],
      reason: `${what}: ${describeIntent(intent)}`,
    },
  );
}

/**
 * The scheduled run: applies a held release once the minimum engaged time has passed, otherwise re-sends
 * the intent in force so instances that missed it (offline, failed, newly launched) converge.
 * @example closed since 12:00, release held at 12:04, minEngagedMinutes 10: at 12:05 -> converge (re-send
 *   close, release still held); at 12:10 -> release (open)
 */
export function planConverge(input: {
  fleet: FleetPolicy;
  state: FleetState | undefined;
  now: Date;
}): FlowPlan {
  const { fleet, state, now } = input;
  if (state === undefined) {
    return {
      action: "ignore",
      rule: "nothing-stored",
      intentChanged: false,
      guards: [],
      reason: `flow control never acted on fleet ${fleet.name}: nothing to converge`,
    };
  }
  const pending = state.pendingRelease;
  if (pending !== undefined) {
    const guard = engagedTimeGuard(state, pending.intent, fleet, now);
    if (guard?.verdict !== "blocked") {
      return applyPlan(
        { state, intent: pending.intent, source: pending.source, now, seen: state.seen },
        {
          rule: ruleFor(pending.intent),
          guards: guard ? [guard] : [],
          reason: `held ${pending.source.alarmName} ${pending.source.state} is now due: ${describeIntent(pending.intent)}`,
        },
      );
    }
    return {
      action: "apply",
      rule: "converge",
      before: state.intent,
      intent: state.intent,
      intentChanged: false,
      guards: [guard],
      nextState: state,
      reason: `re-sending ${describeIntent(state.intent)}; release to ${describeIntent(pending.intent)} ${guard.detail}`,
    };
  }
  return {
    action: "apply",
    rule: "converge",
    before: state.intent,
    intent: state.intent,
    intentChanged: false,
    guards: [],
    nextState: state,
    reason: `re-sending ${describeIntent(state.intent)} so every instance serves it`,
  };
}

function applyPlan(
  args: {
    state: FleetState | undefined;
    intent: FlowIntent;
    source: IntentSource;
    now: Date;
    pending?: FleetState["pendingRelease"];
    seen: string[];
  },
  plan: Pick<FlowPlan, "rule" | "guards" | "reason">,
): FlowPlan {
  const { state, intent, source, now } = args;
  const before = state?.intent;
  const wasEngaged = before !== undefined && before.mode !== "open";
  const engagedAt =
    intent.mode === "open"
      ? undefined
      : wasEngaged
        ? (state?.engagedAt ?? now.toISOString())
        : now.toISOString();
  const nextState: FleetState = {
    intent,
    source,
    appliedAt: now.toISOString(),
    ...(engagedAt ? { engagedAt } : {}),
    ...(args.pending ? { pendingRelease: args.pending } : {}),
    seen: args.seen,
    ...(state?.unconverged ? { unconverged: state.unconverged } : {}),
    ...(state?.unconvergedCount ? { unconvergedCount: state.unconvergedCount } : {}),
  };
  return { action: "apply", before, intent, intentChanged: !sameIntent(before, intent), nextState, ...plan };
}

/** undefined when the change is no relaxation (or nothing is engaged): tightening never waits. */
function engagedTimeGuard(
  state: FleetState | undefined,
  intent: FlowIntent,
  fleet: FleetPolicy,
  now: Date,
): Guard | undefined {
  if (state?.engagedAt === undefined || !isRelaxation(state.intent, intent)) return undefined;
  const engagedFor = (now.getTime() - Date.parse(state.engagedAt)) / MINUTE;
  if (engagedFor >= fleet.minEngagedMinutes) {
    return {
      name: "min-engaged-time",
      verdict: "passed",
      detail: `engaged ${Math.floor(engagedFor)} min ≥ ${fleet.minEngagedMinutes} min`,
    };
  }
  const dueAt = new Date(Date.parse(state.engagedAt) + fleet.minEngagedMinutes * MINUTE).toISOString();
  return {
    name: "min-engaged-time",
    verdict: "blocked",
    detail: `engaged ${Math.floor(engagedFor)} of ${fleet.minEngagedMinutes} min: due at ${dueAt}`,
  };
}

function ruleFor(intent: FlowIntent): FlowRule {
  return intent.mode === "closed" ? "engage" : intent.mode === "admitting" ? "admit" : "release";
}

function remember(state: FleetState, key: string): FleetState {
  return { ...state, seen: [...state.seen.filter((k) => k !== key), key].slice(-SEEN_LIMIT) };
}
