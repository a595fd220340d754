import { describe, expect, it } from "vitest";
import { flowControlSchema } from "../../../shared/flow-control/config";
import { policyStatements } from "../../../shared/flow-control/iam-policy";
import { CLOUDFORMATION_ARN_CONTEXT } from "../../../shared/kernel/iam-statements";

const ctx = { region: "eu-west-1", accountId: "123456789012", partition: "aws", stage: "prod" };
const shared = {
  parameterPrefix: "/traffic-autopilot/prod",
  slackTokenParameter: "/traffic-autopilot/prod/slack-token",
};

const config = flowControlSchema.parse({
  alarmTopicArns: ["arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms"],
  documentName: "TrafficAutopilot-FlowControl",
  fleets: [
    {
      name: "web",
      tag: { key: "Role", value: "haproxy-web" },
      alarms: [{ alarmName: "web-5xx", onAlarm: "close", onOk: "open" }],
    },
    {
      name: "api",
      tag: { key: "Role", value: "haproxy-api" },
      alarms: [{ alarmName: "api-5xx", onAlarm: "close", onOk: "open" }],
    },
    {
      name: "edge",
      tag: { key: "FlowFleet", value: "edge" },
      alarms: [{ alarmName: "edge-5xx", onAlarm: "close", onOk: "open" }],
    },
  ],
});
const statements = policyStatements(config, ctx, shared);
const sendCommand = statements.filter((s) => s.Action.includes("ssm:SendCommand"));

describe("the flow-control IAM policy", () => {
  it("allows SendCommand with our document only, by its ARN and without a condition", () => {
    const document = sendCommand.filter((s) => String(s.Resource).includes(":document/"));
    expect(document).toEqual([
      {
        Effect: "Allow",
        Action: ["ssm:SendCommand"],
        Resource: "arn:aws:ssm:eu-west-1:123456789012:document/TrafficAutopilot-FlowControl",
      },
    ]);
  });

  it("allows SendCommand on instances only when they carry a configured fleet tag", () => {
    const instances = sendCommand.filter((s) => String(s.Resource).includes(":instance/"));
    expect(instances).toEqual([
      {
        Effect: "Allow",
        Action: ["ssm:SendCommand"],
        Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
        Condition: { StringEquals: { "ssm:resourceTag/Role": ["haproxy-web", "haproxy-api"] } },
      },
      {
        Effect: "Allow",
        Action: ["ssm:SendCommand"],
        Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
        Condition: { StringEquals: { "ssm:resourceTag/FlowFleet": ["edge"] } },
      },
    ]);
  });

  it("never grants SendCommand on any other resource (no managed instances, no AWS-RunShellScript)", () => {
    const resources = sendCommand.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    expect(
      resources.every(
        (r) => r.includes(":document/TrafficAutopilot-FlowControl") || r.endsWith(":instance/*"),
      ),
    ).toBe(true);
    expect(
      sendCommand
        .filter((s) => s.Resource !== statements[0]?.Resource)
        .every((s) => s.Condition !== undefined),
    ).toBe(true);
  });

  it("has no wildcard action and keeps Resource * for the read calls AWS cannot scope", () => {
    const actions = statements.flatMap((s) => s.Action);
    expect(actions.some((a) => a === "*" || a.endsWith(":*") || a.includes("*"))).toBe(false);
    const unscoped = statements.filter((s) => s.Resource === "*").flatMap((s) => s.Action);
    expect(unscoped.sort()).toEqual([
      "ec2:DescribeInstances",
      "ssm:GetCommandInvocation",
      "ssm:ListCommandInvocations",
    ]);
  });

  it("reads the states of the configured alarms only, to confirm notifications before acting", () => {
    const describe = statements.filter((s) => s.Action.includes("cloudwatch:DescribeAlarms"));
    expect(describe).toEqual([
      {
        Effect: "Allow",
        Action: ["cloudwatch:DescribeAlarms"],
        Resource: [
          "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:api-5xx",
          "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:edge-5xx",
          "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-5xx",
        ],
      },
    ]);
  });

  it("reads the Slack token and reads and writes only its own state parameters", () => {
    expect(statements).toContainEqual({
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/traffic-autopilot/prod/slack-token",
    });
    expect(statements).toContainEqual({
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/traffic-autopilot/prod/flow-control/*",
    });
  });

  it("builds account-agnostic ARNs from CloudFormation pseudo parameters", () => {
    const cfn = CLOUDFORMATION_ARN_CONTEXT("prod");
    const [document] = policyStatements(config, cfn, shared);
    expect(document?.Resource).toBe(
      `arn:${cfn.partition}:ssm:${cfn.region}:${cfn.accountId}:document/TrafficAutopilot-FlowControl`,
    );
  });
});
