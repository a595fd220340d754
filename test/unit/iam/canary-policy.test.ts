import { describe, expect, it } from "vitest";
import { canarySectionSchema } from "../../../shared/canary/config";
import { policyStatements } from "../../../shared/canary/iam-policy";
import { CLOUDFORMATION_ARN_CONTEXT } from "../../../shared/kernel/iam-statements";

const ACCOUNT = "arn:aws:elasticloadbalancing:eu-west-1:123456789012";
const RULE = `${ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const LISTENER = `${ACCOUNT}:listener/app/search/60dc6c495c0c9188/a2f7dc8efc522ab2`;
const tg = (name: string) => `${ACCOUNT}:targetgroup/${name}/73e2d6bc24d8a067`;
const shared = {
  parameterPrefix: "/traffic-autopilot/prod/",
  slackTokenParameter: "/traffic-autopilot/prod/slack-token",
};
const ctx = { region: "eu-west-1", accountId: "123456789012", partition: "aws", stage: "prod" };

const section = canarySectionSchema.parse({
  canaries: [
    {
      name: "checkout",
      listenerRuleArn: RULE,
      stableTargetGroupArn: tg("checkout-stable"),
      canaryTargetGroupArn: tg("checkout-canary"),
      gateAlarms: ["checkout-canary-5xx", "shared-p99"],
    },
    {
      name: "search",
      listenerArn: LISTENER,
      stableTargetGroupArn: tg("search-stable"),
      canaryTargetGroupArn: tg("search-canary"),
      gateAlarms: ["search-canary-5xx", "shared-p99"],
    },
  ],
});

describe("canary IAM policy", () => {
  const statements = policyStatements(section, ctx, shared);
  const resourcesOf = (action: string) =>
    statements.filter((s) => s.Action.includes(action)).flatMap((s) => [s.Resource].flat());

  it("modifies only the configured rule and the configured listener", () => {
    expect(resourcesOf("elasticloadbalancing:ModifyRule")).toEqual([RULE]);
    expect(resourcesOf("elasticloadbalancing:ModifyListener")).toEqual([LISTENER]);
  });

  it("reads only the gate alarms, each once", () => {
    expect(resourcesOf("cloudwatch:DescribeAlarms")).toEqual([
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-canary-5xx",
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:search-canary-5xx",
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:shared-p99",
    ]);
  });

  it("writes only its own step records and reads the Slack token", () => {
    expect(resourcesOf("ssm:PutParameter")).toEqual([
      "arn:aws:ssm:eu-west-1:123456789012:parameter/traffic-autopilot/prod/canary/*",
    ]);
    expect(resourcesOf("ssm:GetParameter")).toContain(
      "arn:aws:ssm:eu-west-1:123456789012:parameter/traffic-autopilot/prod/slack-token",
    );
  });

  it("grants no wildcard action and keeps '*' resources to the read-only Describe calls", () => {
    for (const statement of statements) {
      expect(statement.Effect).toBe("Allow");
      for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z]+$/);
      if (statement.Resource === "*") {
        expect(statement.Action.every((a) => /:Describe/.test(a))).toBe(true);
      }
    }
  });

  it("grants no ModifyListener when every canary steers a rule", () => {
    const rulesOnly = canarySectionSchema.parse({ canaries: [section.canaries[0]] });
    const actions = policyStatements(rulesOnly, ctx, shared).flatMap((s) => s.Action);
    expect(actions).not.toContain("elasticloadbalancing:ModifyListener");
  });

  it("builds alarm and parameter ARNs from CloudFormation pseudo parameters for the template", () => {
    const template = policyStatements(section, CLOUDFORMATION_ARN_CONTEXT("prod"), shared);
    const alarms = template.find((s) => s.Action.includes("cloudwatch:DescribeAlarms"))?.Resource;
    expect([alarms].flat()[0]).toMatch(
      /^arn:\$\{AWS::Partition\}:cloudwatch:\$\{AWS::Region\}:\$\{AWS::AccountId\}:alarm:checkout-canary-5xx$/,
    );
  });
});
