import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { functionDefinitions } from "../../../infra/serverless/functions";
import { roleResources } from "../../../infra/serverless/resources";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { policyStatements } from "../../../shared/slack-chatops/iam-policy";

const root = path.resolve(__dirname, "../../..");
const config = parseStageConfig(readFileSync(path.join(root, "config/example.yml"), "utf8"), "example.yml");
const ctx = { region: "eu-west-1", accountId: "123456789012", partition: "aws", stage: "prod" };
const shared = { parameterPrefix: config.parameterPrefix, slackTokenParameter: config.slack.tokenParameter };

describe("slack-chatops IAM policy", () => {
  const statements = policyStatements(config, ctx, shared);
  const resourcesOf = (action: string) =>
    statements.filter((s) => s.Action.includes(action)).flatMap((s) => [s.Resource].flat());
  const parameter = (name: string) => `arn:aws:ssm:eu-west-1:123456789012:parameter${name}`;
  const prefix = config.parameterPrefix.replace(/\/$/, "");

  it("may invoke the override function of its own stage and no other function", () => {
    expect(resourcesOf("lambda:InvokeFunction")).toEqual([
      "arn:aws:lambda:eu-west-1:123456789012:function:traffic-autopilot-prod-override",
    ]);
    expect(statements.flatMap((s) => s.Action).filter((a) => a.startsWith("lambda:"))).toEqual([
      "lambda:InvokeFunction",
    ]);
  });

  it("reads only its signing secret and the Slack token, and writes only its replay keys", () => {
    expect(resourcesOf("ssm:GetParameter")).toEqual([
      parameter(config.slack.tokenParameter),
      parameter(config.slackChatops?.signingSecretParameter ?? "?"),
    ]);
    expect(resourcesOf("ssm:PutParameter")).toEqual([parameter(`${prefix}/slack-chatops/replay/*`)]);
    expect(resourcesOf("ssm:DeleteParameter")).toEqual([parameter(`${prefix}/slack-chatops/replay/*`)]);
  });

  it("touches nothing else: no DNS, load balancers, instances, Run Command or other parameters", () => {
    for (const action of statements.flatMap((s) => s.Action)) {
      expect(action).toMatch(
        /^(ssm:GetParameter|ssm:PutParameter|ssm:DeleteParameter|ssm:GetParametersByPath|lambda:InvokeFunction)$/,
      );
    }
  });

  it("is deployed behind a function URL with its own role, only when the stage configures it", () => {
    const fn = functionDefinitions(config)["slack-chatops"];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub placeholder
    expect(fn).toMatchObject({ role: { "Fn::Sub": "${SlackChatopsRole.Arn}" }, url: true });
    const role = roleResources(config).SlackChatopsRole as {
      Properties: {
        Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[];
      };
    };
    const invoke = role.Properties.Policies[0]?.PolicyDocument.Statement.filter((s) =>
      s.Action.includes("lambda:InvokeFunction"),
    );
    expect(JSON.stringify(invoke)).toContain("function:traffic-autopilot-prod-override");
    expect(JSON.stringify(invoke)).not.toMatch(/function:traffic-autopilot-prod-(?!override)/);
    const { slackChatops: _, ...without } = config;
    expect(functionDefinitions(without)["slack-chatops"]).toBeUndefined();
    expect(roleResources(without).SlackChatopsRole).toBeUndefined();
  });
});
