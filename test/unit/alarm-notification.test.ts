import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../shared/errors";
import {
  alarmTrigger,
  looksLikeSnsEvent,
  NotAnAlarmNotificationError,
  parseAlarmNotifications,
} from "../../shared/runtime/alarm-notification";

type SnsEvent = { Records: { Sns: { Message: string } }[] };
const fixture = (name: string): SnsEvent =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../fixtures/events/sns/${name}.json`), "utf8"));
/** A fixture with its alarm message edited (cloned: fixtures are never mutated). */
function withMessage(name: string, edit: (message: Record<string, unknown>) => void): SnsEvent {
  const event = structuredClone(fixture(name));
  for (const record of event.Records) {
    const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
    edit(message);
    record.Sns.Message = JSON.stringify(message);
  }
  return event;
}

describe("parseAlarmNotifications", () => {
  it.each([
    ["cloudwatch-alarm-in-alarm", "checkout-canary-5xx", "ALARM", "OK", "2026-11-02T20:04:31.118Z"],
    ["cloudwatch-alarm-ok", "checkout-canary-5xx", "OK", "ALARM", "2026-11-02T20:13:05.770Z"],
    [
      "cloudwatch-alarm-insufficient-data",
      "checkout-canary-p99-latency",
      "INSUFFICIENT_DATA",
      "OK",
      "2026-11-02T20:07:12.402Z",
    ],
  ])("reads %s as the alarm's state change", (name, alarmName, newState, oldState, at) => {
    const [notification] = parseAlarmNotifications(fixture(name));
    expect(notification).toMatchObject({
      alarmName,
      newState,
      oldState,
      stateChangeTime: at,
      awsAccountId: "123456789012",
      region: "EU (Ireland)",
      alarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`,
      sns: { topicArn: "arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-prod-canary-gates" },
    });
    expect(notification?.reason.length).toBeGreaterThan(10);
    expect(notification?.trigger).toMatchObject({ Namespace: "AWS/ApplicationELB" });
  });

  it("reads every record of a batch, in order", () => {
    const event = fixture("cloudwatch-alarm-in-alarm");
    const ok = fixture("cloudwatch-alarm-ok");
    const both = { Records: [...event.Records, ...ok.Records] };
    expect(parseAlarmNotifications(both).map((n) => n.newState)).toEqual(["ALARM", "OK"]);
  });

  it("accepts a composite alarm, which has no Trigger", () => {
    const event = withMessage("cloudwatch-alarm-in-alarm", (m) => {
      delete m.Trigger;
      m.AlarmRule = 'ALARM("checkout-canary-5xx") OR ALARM("checkout-canary-p99-latency")';
    });
    const [notification] = parseAlarmNotifications(event);
    expect(notification?.trigger).toBeUndefined();
  });

  it("makes a Decision trigger naming the alarm and its new state", () => {
    const [notification] = parseAlarmNotifications(fixture("cloudwatch-alarm-in-alarm"));
    if (notification === undefined) throw new Error("no notification");
    expect(alarmTrigger(notification)).toEqual({
      kind: "alarm",
      source: "checkout-canary-5xx ALARM",
      at: "2026-11-02T20:04:31.118Z",
    });
  });

  it.each<[string, () => unknown, RegExp]>([
    ["an EventBridge event", () => ({ "detail-type": "Scheduled Event" }), /not an SNS event: Records/],
    ["an empty batch", () => ({ Records: [] }), /not an SNS event: Records: /],
    [
      "an unknown state",
      () => withMessage("cloudwatch-alarm-in-alarm", (m) => (m.NewStateValue = "FIRING")),
      /malformed CloudWatch alarm notification in Records\.0\.Sns\.Message: NewStateValue/,
    ],
    [
      "a state change time that is not a time",
      () => withMessage("cloudwatch-alarm-ok", (m) => (m.StateChangeTime = "yesterday")),
      /StateChangeTime: must be a timestamp/,
    ],
    [
      "an alarm message without its account",
      () => withMessage("cloudwatch-alarm-ok", (m) => delete m.AWSAccountId),
      /AWSAccountId/,
    ],
  ])("rejects %s as invalid input", (_name, event, message) => {
    expect(() => parseAlarmNotifications(event())).toThrow(message);
    try {
      parseAlarmNotifications(event());
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect(error).not.toBeInstanceOf(NotAnAlarmNotificationError);
    }
  });

  it.each<[string, string]>([
    ["plain text", "AWS Budget Notification November 02, 2026"],
    ["JSON from another publisher", JSON.stringify({ source: "aws.codedeploy", status: "SUCCEEDED" })],
  ])("says %s is not an alarm notification", (_name, message) => {
    const event = structuredClone(fixture("cloudwatch-alarm-in-alarm"));
    const record = event.Records[0];
    if (record === undefined) throw new Error("no record");
    record.Sns.Message = message;
    expect(() => parseAlarmNotifications(event)).toThrow(NotAnAlarmNotificationError);
    expect(() => parseAlarmNotifications(event)).toThrow(/not a CloudWatch alarm notification/);
  });

  it("rejects the whole batch when one record is not an alarm", () => {
    const good = fixture("cloudwatch-alarm-in-alarm");
    const bad = structuredClone(fixture("cloudwatch-alarm-ok"));
    const record = bad.Records[0];
    if (record === undefined) throw new Error("no record");
    record.Sns.Message = "hello";
    expect(() => parseAlarmNotifications({ Records: [...good.Records, ...bad.Records] })).toThrow(
      /Records\.1\.Sns\.Message is not JSON/,
    );
  });

  it("tells an SNS delivery from other events by its shape", () => {
    expect(looksLikeSnsEvent(fixture("cloudwatch-alarm-ok"))).toBe(true);
    expect(looksLikeSnsEvent({ Records: [{ s3: {} }] })).toBe(false);
    expect(looksLikeSnsEvent(null)).toBe(false);
  });
});
