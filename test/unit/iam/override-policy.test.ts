import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { policyStatements } from "../../../shared/overrides/iam-policy";

const root = path.resolve(__dirname, "../../..");
const config = parseStageConfig(readFileSync(path.join(root, "config/example.yml"), "utf8"), "example.yml");
const ctx = { region: "eu-west-1", accountId: "123456789012", partition: "aws", stage: "prod" };
const shared = { parameterPrefix: config.parameterPrefix, slackTokenParameter: config.slack.tokenParameter };

describe("override IAM policy", () => {
  const statements = policyStatements(config, ctx, shared);
  const actions = statements.flatMap((s) => s.Action);
  const resourcesOf = (action: string) =>
    statements.filter((s) => s.Action.includes(action)).flatMap((s) => [s.Resource].flat());
  const prefix = `arn:aws:ssm:eu-west-1:123456789012:parameter${config.parameterPrefix.replace(/\/$/, "")}`;

  it("cannot touch DNS, load balancers, instances or Run Command itself", () => {
    for (const action of actions)
      expect(action).toMatch(
        /^(ssm:(Get|Put|Delete)Parameter|ssm:GetParametersByPath|lambda:InvokeFunction)$/,
      );
  });

  it("writes only overrides and the stored plans", () => {
    expect(resourcesOf("ssm:PutParameter")).toEqual([
      `${prefix}/overrides/*`,
      ...(config.originBalancer?.pools ?? []).flatMap((p) => [
        `${prefix}/origin-balancer/${p.name}/plan`,
        `${prefix}/origin-balancer/${p.name}/plan.lock`,
      ]),
      ...(config.certRotation?.pairs ?? []).flatMap((p) => [
        `${prefix}/cert-rotation/${p.name}/plan`,
        `${prefix}/cert-rotation/${p.name}/plan.lock`,
      ]),
    ]);
  });

  it("invokes only the canary, cert-rotation and flow-control functions of its own stage", () => {
    expect(resourcesOf("lambda:InvokeFunction")).toEqual([
      "arn:aws:lambda:eu-west-1:123456789012:function:traffic-autopilot-prod-canary",
      "arn:aws:lambda:eu-west-1:123456789012:function:traffic-autopilot-prod-cert-rotation",
      "arn:aws:lambda:eu-west-1:123456789012:function:traffic-autopilot-prod-flow-control",
    ]);
  });
});
