import { describe, expect, it } from "vitest";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { flowControlSchema } from "../../../shared/flow-control/config";

const BASE = {
  alarmTopicArns: ["arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms"],
  documentName: "TrafficAutopilot-FlowControl",
};
const fleet = (extra: Record<string, unknown> = {}) => ({
  name: "web",
  tag: { key: "Role", value: "haproxy-web" },
  alarms: [
    { alarmName: "web-overload", onAlarm: "close" },
    { alarmName: "web-overload-cleared", onAlarm: "open" },
  ],
  ...extra,
});
const problems = (input: unknown) => {
  const result = flowControlSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("flow-control configuration", () => {
  it("reads the two-alarm setup with safe defaults", () => {
    const config = flowControlSchema.parse({
      ...BASE,
      fleets: [fleet()],
    });
    expect(config.mode).toBe("auto");
    expect(config.convergeSchedule).toBe("rate(5 minutes)");
    expect(config.commands).toEqual({
      maxConcurrency: "50",
      maxErrors: "100%",
      deliveryTimeoutSeconds: 30,
      pollIntervalMs: 2_000,
    });
    expect(config.fleets[0]?.minEngagedMinutes).toBe(10);
    expect(config.fleets[0]?.alarms).toEqual([
      { alarmName: "web-overload", onAlarm: { mode: "closed", admitRate: 0 } },
      { alarmName: "web-overload-cleared", onAlarm: { mode: "open", admitRate: 0 } },
    ]);
  });

  it("reads the one-alarm setup and graded admission levels", () => {
    const config = flowControlSchema.parse({
      ...BASE,
      fleets: [
        fleet({
          alarms: [
            { alarmName: "web-latency", onAlarm: "close", onOk: "open" },
            { alarmName: "web-queue", onAlarm: "admit 50" },
          ],
        }),
      ],
    });
    expect(config.fleets[0]?.alarms[1]?.onAlarm).toEqual({ mode: "admitting", admitRate: 50 });
  });

  it.each<[string, unknown, string]>([
    [
      "an intent flowctl does not know",
      {
        ...BASE,
        fleets: [fleet({ alarms: [{ alarmName: "a", onAlarm: "shut", onOk: "open" }] })],
      },
      'fleets.0.alarms.0.onAlarm: must be "open", "close" or "admit N"',
    ],
    [
      "an admission rate out of flowctl's range",
      {
        ...BASE,
        fleets: [fleet({ alarms: [{ alarmName: "a", onAlarm: "admit 20000", onOk: "open" }] })],
      },
      "fleets.0.alarms.0.onAlarm",
    ],
    [
      "an alarm with no intent at all",
      {
        ...BASE,
        fleets: [fleet({ alarms: [{ alarmName: "a" }, { alarmName: "b", onAlarm: "open" }] })],
      },
      "fleets.0.alarms.0: give onAlarm and/or onOk",
    ],
    [
      "a fleet that can close but never open again",
      { ...BASE, fleets: [fleet({ alarms: [{ alarmName: "a", onAlarm: "close" }] })] },
      "fleets.0.alarms: no alarm state opens the fleet again",
    ],
    [
      "the same alarm twice in one fleet",
      {
        ...BASE,
        fleets: [
          fleet({
            alarms: [
              { alarmName: "a", onAlarm: "close" },
              { alarmName: "a", onOk: "open" },
            ],
          }),
        ],
      },
      "fleets.0.alarms.1.alarmName: alarm a is listed twice",
    ],
    [
      "two fleets on one tag",
      { ...BASE, fleets: [fleet(), fleet({ name: "web-2" })] },
      "fleets.1.tag: tag Role=haproxy-web is already fleet 0's",
    ],
    [
      "a typo in a key",
      { ...BASE, fleets: [fleet({ minEngagedMinute: 5 })] },
      'fleets.0: Unrecognized key: "minEngagedMinute"',
    ],
    [
      "a reserved aws: tag key",
      { ...BASE, fleets: [fleet({ tag: { key: "aws:autoscaling:groupName", value: "web" } })] },
      "fleets.0.tag.key: aws: tag keys are reserved",
    ],
    [
      "a delivery timeout under SSM's minimum",
      { ...BASE, commands: { deliveryTimeoutSeconds: 5 }, fleets: [fleet()] },
      "commands.deliveryTimeoutSeconds",
    ],
    [
      "a missing alarm topic (nothing would ever invoke the function)",
      { documentName: "Doc-1", fleets: [fleet()] },
      "alarmTopicArns: Invalid input",
    ],
    [
      "an alarm topic that is not an SNS topic ARN",
      { ...BASE, alarmTopicArns: ["arn:aws:sqs:eu-west-1:123456789012:alarms"] },
      "alarmTopicArns.0: must be an SNS topic ARN",
    ],
    [
      "a MaxErrors SSM would reject",
      { ...BASE, commands: { maxErrors: "-1" }, fleets: [fleet()] },
      "commands.maxErrors: must be a number like 0 or a percentage like 10%",
    ],
  ])("rejects %s, naming the path", (_name, input, expected) => {
    expect(problems(input).join("\n")).toContain(expected);
  });

  it("is part of the stage file", () => {
    const config = parseStageConfig(
      `
stage: prod
region: eu-west-1
parameterPrefix: /traffic-autopilot/prod
slack: { channel: "#traffic", tokenParameter: /traffic-autopilot/prod/slack-token }
flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms]
  documentName: TrafficAutopilot-FlowControl
  fleets:
    - name: web
      tag: { key: Role, value: haproxy-web }
      alarms:
        - { alarmName: web-latency, onAlarm: close, onOk: open }
`,
      "prod.yml",
    );
    expect(config.flowControl?.fleets[0]?.name).toBe("web");
  });
});
