import * as z from "zod/mini";
import type { SchemaProblems } from "./event-schema";
import "./event-schema";
import { InvalidEventError } from "../errors";
import type { Trigger } from "../kernel/domain/decision";

export type AlarmState = "ALARM" | "OK" | "INSUFFICIENT_DATA";

/** One CloudWatch alarm state change, as CloudWatch publishes it to SNS, with the SNS delivery it came in. */
export interface AlarmNotification {
  alarmName: string;
  alarmDescription?: string;
  alarmArn: string;
  awsAccountId: string;
  /** CloudWatch writes the region's long name here ("EU (Ireland)"), not its code. */
  region: string;
  newState: AlarmState;
  oldState: AlarmState;
  reason: string;
  /** ISO 8601 (CloudWatch sends "2026-11-02T20:04:31.118+0000"; normalised). */
  stateChangeTime: string;
  /** The metric or metric-math definition; composite alarms have none (they carry AlarmRule instead). */
  trigger?: Record<string, unknown>;
  sns: { messageId: string; topicArn: string; timestamp: string; subject?: string };
}

/** The SNS message is well formed but is not a CloudWatch alarm state change (another publisher). */
export class NotAnAlarmNotificationError extends InvalidEventError {}

const state = z.enum(["ALARM", "OK", "INSUFFICIENT_DATA"]);

/** CloudWatch's timestamps use "+0000" offsets, which strict ISO parsers reject. */
const cloudWatchTime = z.pipe(
  z.string().check(
    z.regex(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/,
      "must be a timestamp like 2026-11-02T20:04:31.118+0000",
    ),
    // The pattern admits "2026-13-45T25:61:61Z": a date that does not exist is bad input, not a RangeError.
    z.refine(isCalendarTime, "must be a real date and time of day"),
  ),
  z.transform((text: string) => new Date(text.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")).toISOString()),
);

function isCalendarTime(text: string): boolean {
  const [year, month, day, hour, minute, second] = text.split(/[-T:.Z+]/).map(Number) as number[];
  const date = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0, hour ?? 0, minute ?? 0, second ?? 0));
  return (
    date.getUTCMonth() === (month ?? 0) - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

const alarmMessageSchema = z.object({
  AlarmName: z.string().check(z.minLength(1), z.maxLength(255)),
  AlarmDescription: z.nullish(z.string()),
  AWSAccountId: z.string().check(z.regex(/^\d{12}$/, "must be a 12-digit account id")),
  NewStateValue: state,
  NewStateReason: z.string(),
  StateChangeTime: cloudWatchTime,
  Region: z.string().check(z.minLength(1)),
  AlarmArn: z
    .string()
    .check(z.regex(/^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/, "must be an alarm ARN")),
  OldStateValue: state,
  Trigger: z.optional(z.record(z.string(), z.unknown())),
});

const snsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal("aws:sns"),
        EventVersion: z.string(),
        EventSubscriptionArn: z.string(),
        Sns: z.object({
          Type: z.literal("Notification"),
          MessageId: z.string().check(z.minLength(1)),
          TopicArn: z.string().check(z.regex(/^arn:aws[a-z-]*:sns:/, "must be an SNS topic ARN")),
          Subject: z.nullish(z.string()),
          Message: z.string(),
          Timestamp: z.string(),
        }),
      }),
    )
    .check(z.minLength(1)),
});

/** True when the event has the shape of an SNS delivery (Records[].Sns), valid or not. */
export function looksLikeSnsEvent(event: unknown): boolean {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.some((r) => typeof r === "object" && r !== null && "Sns" in r);
}

/**
 * Parses an SNS event into the CloudWatch alarm notifications it carries (one per record). All or
 * nothing: one malformed record rejects the whole event, so bad input changes nothing.
 * - not an SNS event, or a malformed alarm message -> InvalidEventError naming the problem
 * - an SNS message from another publisher -> NotAnAlarmNotificationError
 *
 * @example Records[0].Sns.Message = '{"AlarmName":"checkout-5xx","NewStateValue":"ALARM",...}'
 *   -> [{ alarmName: "checkout-5xx", newState: "ALARM", stateChangeTime: "2026-11-02T20:04:31.118Z", ... }]
 */
export function parseAlarmNotifications(event: unknown): AlarmNotification[] {
  const envelope = snsEventSchema.safeParse(event);
  if (!envelope.success) {
    throw new InvalidEventError(`not an SNS event: ${problems(envelope.error)}`);
  }
  return envelope.data.Records.map((record, index) => {
    const where = `Records.${index}.Sns.Message`;
    let body: unknown;
    try {
      body = JSON.parse(record.Sns.Message);
    } catch (error) {
      throw new NotAnAlarmNotificationError(
        `${where} is not JSON, so not a CloudWatch alarm notification (message id ${record.Sns.MessageId})`,
        { cause: error },
      );
    }
    if (typeof body !== "object" || body === null || !("AlarmName" in body) || !("NewStateValue" in body)) {
      throw new NotAnAlarmNotificationError(
        `${where} has no AlarmName/NewStateValue: not a CloudWatch alarm notification (message id ${record.Sns.MessageId}, topic ${record.Sns.TopicArn})`,
      );
    }
    const alarm = alarmMessageSchema.safeParse(body);
    if (!alarm.success) {
      throw new InvalidEventError(
        `malformed CloudWatch alarm notification in ${where}: ${problems(alarm.error)}`,
      );
    }
    const a = alarm.data;
    return {
      alarmName: a.AlarmName,
      ...(a.AlarmDescription ? { alarmDescription: a.AlarmDescription } : {}),
      alarmArn: a.AlarmArn,
      awsAccountId: a.AWSAccountId,
      region: a.Region,
      newState: a.NewStateValue,
      oldState: a.OldStateValue,
      reason: a.NewStateReason,
      stateChangeTime: a.StateChangeTime,
      ...(a.Trigger ? { trigger: a.Trigger } : {}),
      sns: {
        messageId: record.Sns.MessageId,
        topicArn: record.Sns.TopicArn,
        timestamp: record.Sns.Timestamp,
        ...(record.Sns.Subject ? { subject: record.Sns.Subject } : {}),
      },
    };
  });
}

/** The Decision trigger of a notification: which alarm said what, when. */
export function alarmTrigger(notification: AlarmNotification): Trigger {
  return {
    kind: "alarm",
    source: `${notification.alarmName} ${notification.newState}`,
    at: notification.stateChangeTime,
  };
}

function problems(error: SchemaProblems): string {
  return error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`).join("; ");
}
