import { describe, expect, it } from "vitest";
import { escapeMrkdwn, renderAlarmText } from "../../../functions/watchdog/message";
import { snsMessages } from "../../../functions/watchdog/watchdog";
import { arrivedAsynchronously } from "../../../shared/runtime/error-alert";
import {
  parseInvocationRecord,
  summariseFailedEvents,
} from "../../../shared/watchdog/domain/invocation-record";
import { eventFixture, scheduledEvent } from "../../support/events";

const record = (patch: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: "1.0",
    timestamp: "2026-11-02T20:05:01.568Z",
    requestContext: {
      requestId: "e4b46cbf",
      functionArn:
        "arn:aws:lambda:eu-west-1:123456789012:function:traffic-autopilot-prod-flow-control:$LATEST",
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    },
    requestPayload: { Records: [] },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: { errorType: "TransientAwsError", errorMessage: "SSM throttled", trace: [] },
    ...patch,
  });

describe("Lambda's on-failure records", () => {
  it("reads function, attempts, error and payload from a record", () => {
    expect(parseInvocationRecord("m-1", record())).toEqual({
      ok: true,
      event: {
        messageId: "m-1",
        functionName: "traffic-autopilot-prod-flow-control",
        condition: "RetriesExhausted",
        attempts: 3,
        failedAt: "2026-11-02T20:05:01.568Z",
        error: "TransientAwsError: SSM throttled",
        payload: { Records: [] },
      },
    });
  });

  it("says an event that aged out waited too long (there is no error payload then)", () => {
    const aged = record({
      requestContext: {
        requestId: "x",
        functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:traffic-autopilot-prod-canary",
        condition: "EventAgeExceeded",
        approximateInvokeCount: 0,
      },
      responseContext: undefined,
      responsePayload: undefined,
    });
    const parsed = parseInvocationRecord("m-2", aged);
    expect(parsed.ok && parsed.event.error).toMatch(/^EventAgeExceeded/);
    expect(parsed.ok && parsed.event.functionName).toBe("traffic-autopilot-prod-canary");
  });

  it.each([
    ["not JSON", "hello"],
    ["no function ARN", JSON.stringify({ requestPayload: {} })],
    ["no payload", JSON.stringify({ requestContext: { functionArn: "arn:aws:lambda:x:1:function:f" } })],
  ])("refuses a message that is not a record (%s)", (_, body) => {
    expect(parseInvocationRecord("m", body).ok).toBe(false);
  });

  it("summarises the newest first, with their age, and never fewer waiting than seen", () => {
    const events = ["2026-11-02T20:00:00.000Z", "2026-11-02T20:30:00.000Z"].map((failedAt, i) => {
      const parsed = parseInvocationRecord(`m-${i}`, record({ timestamp: failedAt }));
      if (!parsed.ok) throw new Error("fixture");
      return parsed.event;
    });
    const status = summariseFailedEvents("q", 0, events, 1, new Date("2026-11-02T21:00:00Z"));
    expect(status.waiting).toBe(3);
    expect(status.newest.map((e) => e.ageMinutes)).toEqual([30, 60]);
  });
});

describe("which events are returned instead of retried", () => {
  it.each([
    ["an SNS notification", eventFixture("sns/cloudwatch-alarm-in-alarm"), true],
    ["an EventBridge event", scheduledEvent, true],
    ["an operator's request", { action: "pin" }, false],
    ["a string", "rate(1 minute)", false],
    ["null", null, false],
  ])("%s arrived asynchronously: %s", (_, event, expected) => {
    expect(arrivedAsynchronously(event)).toBe(expected);
  });
});

describe("the watchdog's text", () => {
  it("escapes &, < and > so nothing becomes a mention or a link", () => {
    expect(escapeMrkdwn("<!channel> & <https://x|y> <@U123> <!here>")).toBe(
      "&lt;!channel&gt; &amp; &lt;https://x|y&gt; &lt;@U123&gt; &lt;!here&gt;",
    );
  });

  it("renders an alarm notification, and anything else published to the topic as received", () => {
    expect(
      renderAlarmText(
        JSON.stringify({ AlarmName: "a", NewStateValue: "OK", NewStateReason: "r", StateChangeTime: "t" }),
      ),
    ).toBe(":white_check_mark: *OK* a\nreason: r\nsince: t");
    expect(renderAlarmText("hello <!channel>")).toBe(
      ":grey_question: watchdog topic message: hello &lt;!channel&gt;",
    );
    expect(
      renderAlarmText(JSON.stringify({ AlarmName: "a", AlarmDescription: "x".repeat(5000) })).length,
    ).toBe(3000);
  });

  it("reads every SNS record's message", () => {
    expect(snsMessages({ Records: [{ Sns: { Message: "one" } }, { Sns: { Message: "two" } }] })).toEqual([
      "one",
      "two",
    ]);
    expect(snsMessages({ not: "sns" })).toEqual(['{"not":"sns"}']);
  });
});
