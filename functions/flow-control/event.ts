import * as z from "zod/mini";
import "../../shared/runtime/event-schema";
import { InvalidEventError } from "../../shared/errors";
import type { AlarmInput } from "../../shared/flow-control/control-fleets";
import type { Trigger } from "../../shared/kernel/domain/decision";
import {
  type AlarmNotification,
  alarmTrigger,
  looksLikeSnsEvent,
  parseAlarmNotifications,
} from "../../shared/runtime/alarm-notification";
import { parseScheduleEvent } from "../../shared/runtime/schedule-event";

/** What the flow-control function is invoked with: alarm notifications (SNS) or its converge schedule. */
export type FlowControlEvent =
  | { kind: "alarms"; alarms: AlarmInput[] }
  | { kind: "converge"; trigger: Trigger; fleets?: string[] };

/** The override function's "act now" after storing a force or pause: `{ "converge": { "fleet", "author" } }`. */
const convergeCommand = z.strictObject({
  converge: z.strictObject({
    fleet: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
    author: z.string().check(z.minLength(1), z.maxLength(64)),
  }),
});

/**
 * Validates the whole event before anything is read or sent: a malformed SNS record, a non-alarm message
 * or an unknown event shape is an InvalidEventError naming the problem, and nothing changes.
 */
export function parseFlowControlEvent(event: unknown): FlowControlEvent {
  if (looksLikeSnsEvent(event)) {
    return { kind: "alarms", alarms: parseAlarmNotifications(event).map(toAlarmInput) };
  }
  if (typeof event === "object" && event !== null && "converge" in event) {
    const parsed = convergeCommand.safeParse(event);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new InvalidEventError(`invalid converge command: ${problems}`);
    }
    const { fleet, author } = parsed.data.converge;
    return {
      kind: "converge",
      trigger: { kind: "manual", source: `override by ${author}`, at: new Date().toISOString() },
      fleets: [fleet],
    };
  }
  if ((event as { "detail-type"?: unknown } | null)?.["detail-type"] === "Scheduled Event") {
    return { kind: "converge", trigger: parseScheduleEvent(event) };
  }
  throw new InvalidEventError(
    `flow-control takes SNS-delivered CloudWatch alarm notifications or its EventBridge schedule, got ${shape(event)}`,
  );
}

function toAlarmInput(notification: AlarmNotification): AlarmInput {
  return {
    signal: {
      alarmName: notification.alarmName,
      state: notification.newState,
      previousState: notification.oldState,
      stateChangeTime: notification.stateChangeTime,
      reason: notification.reason,
    },
    trigger: alarmTrigger(notification),
  };
}

function shape(event: unknown): string {
  if (event === null || typeof event !== "object") return `a ${event === null ? "null" : typeof event}`;
  const keys = Object.keys(event).slice(0, 6);
  return keys.length > 0 ? `an object with keys ${keys.join(", ")}` : "an empty object";
}
