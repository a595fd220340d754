import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCanaryEvent } from "../../../functions/canary/events";
import { InvalidEventError } from "../../../shared/errors";
import { NotAnAlarmNotificationError } from "../../../shared/runtime/alarm-notification";

const fixture = (file: string) =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../../fixtures/events/${file}.json`), "utf8"));

describe("parseCanaryEvent", () => {
  it("reads the schedule, gate notifications and operator commands", () => {
    expect(parseCanaryEvent(fixture("eventbridge/scheduled-event"))).toMatchObject({ kind: "schedule" });
    expect(parseCanaryEvent(fixture("sns/cloudwatch-alarm-in-alarm"))).toMatchObject({
      kind: "alarm",
      notifications: [{ alarmName: "checkout-canary-5xx", newState: "ALARM" }],
    });
    expect(
      parseCanaryEvent({
        canaryCommand: {
          kind: "pause",
          canary: "checkout",
          author: "bob",
          reason: "freeze",
          expiresAt: "2026-11-02T22:00:00Z",
        },
      }),
    ).toEqual({
      kind: "command",
      command: {
        kind: "pause",
        canary: "checkout",
        author: "bob",
        reason: "freeze",
        expiresAt: "2026-11-02T22:00:00Z",
      },
    });
  });

  it.each<[string, unknown, RegExp]>([
    [
      "a command without a reason",
      { canaryCommand: { kind: "abort", canary: "checkout", author: "bob" } },
      /canaryCommand\.reason/,
    ],
    [
      "an unknown command",
      { canaryCommand: { kind: "rollforward", canary: "checkout", author: "b", reason: "r" } },
      /canaryCommand\.kind/,
    ],
    [
      "a promote without expiry",
      { canaryCommand: { kind: "promote", canary: "checkout", author: "b", reason: "r" } },
      /expiresAt/,
    ],
    [
      "an author longer than an override's (64 characters)",
      { canaryCommand: { kind: "abort", canary: "checkout", author: "b".repeat(65), reason: "r" } },
      /canaryCommand\.author: Too big: expected string to have <=64 characters/,
    ],
    [
      "a reason longer than an override's (500 characters)",
      { canaryCommand: { kind: "start", canary: "checkout", author: "bob", reason: "r".repeat(250_000) } },
      /canaryCommand\.reason: Too big: expected string to have <=500 characters/,
    ],
    [
      "a blank author",
      { canaryCommand: { kind: "abort", canary: "checkout", author: "   ", reason: "r" } },
      /canaryCommand\.author: author is required/,
    ],
    ["a string", "go", /not an EventBridge Scheduled Event/],
  ])("rejects %s", (_name, event, expected) => {
    expect(() => parseCanaryEvent(event)).toThrow(InvalidEventError);
    expect(() => parseCanaryEvent(event)).toThrow(expected);
  });

  it("says an SNS message from another publisher is not an alarm", () => {
    const event = fixture("sns/cloudwatch-alarm-ok");
    event.Records[0].Sns.Message = JSON.stringify({ source: "aws.codedeploy", status: "SUCCEEDED" });
    expect(() => parseCanaryEvent(event)).toThrow(NotAnAlarmNotificationError);
  });
});
