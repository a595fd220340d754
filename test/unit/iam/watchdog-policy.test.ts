import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { functionDefinitions } from "../../../infra/serverless/functions";
import { stackResources } from "../../../infra/serverless/resources";
import { schedulePeriodSeconds, stackAlarms } from "../../../infra/serverless/watch";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { watchdogPolicy } from "../../../shared/watchdog/iam-policy";

const root = path.resolve(__dirname, "../../..");
const sandboxText = readFileSync(path.join(root, "config/sandbox.yml"), "utf8");
const sandbox = parseStageConfig(sandboxText, "sandbox.yml");
const ctx = { region: "eu-west-1", accountId: "123456789012", partition: "aws", stage: "sandbox" };

type Role = {
  Properties: { Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[] };
};

describe("watchdog IAM policy and wiring", () => {
  it("reads only its Slack token parameter", () => {
    expect(watchdogPolicy(ctx, { tokenParameter: "/traffic-autopilot/sandbox/slack-token" })).toEqual([
      {
        Effect: "Allow",
        Action: ["ssm:GetParameter"],
        Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/traffic-autopilot/sandbox/slack-token",
      },
    ]);
  });

  it("uses its own token parameter when the stage names one, so a deleted automation token does not silence it", () => {
    const config = parseStageConfig(
      sandboxText.replace(
        "tokenParameter: /traffic-autopilot/sandbox/slack-token",
        "tokenParameter: /traffic-autopilot/sandbox/slack-token\n  watchdogTokenParameter: /traffic-autopilot/sandbox/watchdog-slack-token",
      ),
      "sandbox.yml",
    );
    const watchdog = functionDefinitions(config).watchdog as { environment: Record<string, string> };
    expect(watchdog.environment.SLACK_TOKEN_PARAMETER).toBe(
      "/traffic-autopilot/sandbox/watchdog-slack-token",
    );
    const role = stackResources(config).WatchdogRole as Role;
    const resources = JSON.stringify(role.Properties.Policies[0]?.PolicyDocument.Statement);
    expect(resources).toContain("parameter/traffic-autopilot/sandbox/watchdog-slack-token");
    expect(resources).not.toContain("parameter/traffic-autopilot/sandbox/slack-token");
  });

  it("holds no permission of the automations: no state, no overrides, no AWS action of theirs", () => {
    const role = stackResources(sandbox).WatchdogRole as Role;
    const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.flatMap((s) => s.Action).sort()).toEqual([
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "sqs:SendMessage",
      "ssm:GetParameter",
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/overrides|flow-control\/|origin-balancer\//);
  });

  it("deploys no watchdog, queue or alarm for a stage without automations", () => {
    const empty = parseStageConfig(
      "stage: bare\nregion: eu-west-1\nparameterPrefix: /ta/bare\nslack: { channel: '#x', tokenParameter: /ta/bare/slack-token }\n",
      "bare.yml",
    );
    expect(functionDefinitions(empty)).toEqual({});
    expect(stackResources(empty)).toEqual({});
    expect(stackAlarms(empty)).toEqual([]);
  });

  it.each([
    ["rate(1 minute)", 60],
    ["rate(5 minutes)", 300],
    ["rate(2 hours)", 7200],
    ["rate(1 day)", 86_400],
    ["cron(0 12 * * ? *)", undefined],
  ])("reads the heartbeat period of %s as %s seconds", (schedule, seconds) => {
    expect(schedulePeriodSeconds(schedule)).toBe(seconds);
  });
});
