import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFlowControlEvent } from "../../../functions/flow-control/event";
import { InvalidEventError } from "../../../shared/errors";

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../../fixtures/events/${name}.json`), "utf8"));

describe("the flow-control event", () => {
  it("turns an SNS-wrapped CloudWatch alarm into an alarm signal with its trigger", () => {
    expect(parseFlowControlEvent(fixture("sns/flow-control-engage-alarm"))).toEqual({
      kind: "alarms",
      alarms: [
        {
          signal: {
            alarmName: "web-overload",
            state: "ALARM",
            previousState: "OK",
            stateChangeTime: "2026-11-02T20:04:31.118Z",
            reason: expect.stringContaining("Threshold Crossed"),
          },
          trigger: { kind: "alarm", source: "web-overload ALARM", at: "2026-11-02T20:04:31.118Z" },
        },
      ],
    });
  });

  it("turns the EventBridge schedule into a converge run", () => {
    expect(parseFlowControlEvent(fixture("eventbridge/scheduled-event"))).toMatchObject({
      kind: "converge",
      trigger: { kind: "schedule" },
    });
  });

  it.each<[string, unknown, RegExp]>([
    [
      "a message from another SNS publisher",
      fixture("sns/non-alarm-message"),
      /not a CloudWatch alarm notification/,
    ],
    [
      "an event of another AWS service",
      { source: "aws.health", detail: {} },
      /got an object with keys source, detail/,
    ],
    ["nothing at all", null, /got a null/],
    ["a bare string", "web-overload", /got a string/],
    [
      "a schedule with the wrong shape",
      { ...fixture("eventbridge/scheduled-event"), source: "aws.s3" },
      /not an EventBridge Scheduled Event: source/,
    ],
  ])("rejects %s with an InvalidEventError naming the problem", (_name, event, message) => {
    expect(() => parseFlowControlEvent(event)).toThrow(InvalidEventError);
    expect(() => parseFlowControlEvent(event)).toThrow(message);
  });
});
