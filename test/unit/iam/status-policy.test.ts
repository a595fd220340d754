import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { functionDefinitions } from "../../../infra/serverless/functions";
import { functionRoles } from "../../../infra/serverless/resources";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { CLOUDFORMATION_ARN_CONTEXT } from "../../../shared/kernel/iam-statements";
import { policyStatements } from "../../../shared/status/iam-policy";

const root = path.resolve(__dirname, "../../..");
const stage = (file: string) => parseStageConfig(readFileSync(path.join(root, "config", file), "utf8"), file);
const ctx = { region: "eu-west-1", accountId: "123456789012", partition: "aws", stage: "sandbox" };
const sandbox = stage("sandbox.yml");
const shared = {
  parameterPrefix: sandbox.parameterPrefix,
  slackTokenParameter: sandbox.slack.tokenParameter,
};

/** Every action a read-only role may hold: the verb is Describe, List or Get. */
const READ_ONLY = /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/;
const WRITE_VERBS =
  /^(Put|Delete|Change|Modify|Send|Create|Update|Add|Remove|Invoke|Import|Start|Stop|Tag|Untag|Set|Register|Deregister)/;

describe("status IAM policy", () => {
  it("reads the on-failure queue only: its URL, depth and messages, never deleting or sending", () => {
    const sqs = policyStatements(sandbox, ctx, shared).filter((s) =>
      s.Action.some((a) => a.startsWith("sqs:")),
    );
    expect(sqs).toEqual([
      {
        Effect: "Allow",
        Action: ["sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
        Resource: "arn:aws:sqs:eu-west-1:123456789012:traffic-autopilot-sandbox-failed-events",
      },
    ]);
  });

  const statements = policyStatements(sandbox, ctx, shared);
  const actions = statements.flatMap((s) => s.Action);
  const resourcesOf = (action: string) =>
    statements.filter((s) => s.Action.includes(action)).flatMap((s) => [s.Resource].flat());

  it("holds only Describe, List and Get actions, and no write verb anywhere", () => {
    expect(actions.length).toBeGreaterThan(0);
    // ReceiveMessage looks at the on-failure queue with a visibility timeout of 0 (nothing hidden, no
    // DeleteMessage): the one SQS read without a Get/List verb.
    for (const action of actions.filter((a) => a !== "sqs:ReceiveMessage")) {
      expect(action).toMatch(READ_ONLY);
      expect(action.split(":")[1]).not.toMatch(WRITE_VERBS);
    }
  });

  it("reads parameters only under the stage prefix: state subtrees, overrides and the Slack token", () => {
    const prefix = "arn:aws:ssm:eu-west-1:123456789012:parameter/traffic-autopilot/sandbox";
    expect(resourcesOf("ssm:GetParameter").sort()).toEqual(
      [
        `${prefix}/canary/*`,
        `${prefix}/cert-rotation/*`,
        `${prefix}/flow-control/*`,
        `${prefix}/origin-balancer/*`,
        `${prefix}/overrides/*`,
        `${prefix}/slack-token`,
      ].sort(),
    );
    expect(resourcesOf("ssm:GetParametersByPath")).toEqual([
      `${prefix}/overrides`,
      `${prefix}/overrides/*`,
      `${prefix}/origin-balancer`,
      `${prefix}/origin-balancer/*`,
    ]);
    // The balancer's zone state documents are read in batches, as the balancer reads them.
    expect(resourcesOf("ssm:GetParameters")).toEqual([
      `${prefix}/origin-balancer`,
      `${prefix}/origin-balancer/*`,
    ]);
  });

  it("lists record sets only in the configured hosted zones, each once", () => {
    expect(resourcesOf("route53:ListResourceRecordSets")).toEqual([
      "arn:aws:route53:::hostedzone/Z0SANDBOX0001",
    ]);
  });

  it("keeps '*' resources to the Describe calls AWS cannot scope", () => {
    for (const statement of statements.filter((s) => s.Resource === "*")) {
      expect(statement.Action.every((a) => /:Describe/.test(a))).toBe(true);
    }
  });

  it("asks for no ELB or EC2 reads when the stage configures only the origin balancer", () => {
    const { flowControl: _f, certRotation: _c, canary: _k, ...rest } = sandbox;
    const only = policyStatements(rest, ctx, shared).flatMap((s) => s.Action);
    expect(only.filter((a) => /^(elasticloadbalancing|ec2|acm):/.test(a))).toEqual([]);
  });

  it("is deployed with its own role whenever any automation is configured, and never without one", () => {
    expect(functionDefinitions(sandbox).status).toMatchObject({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub placeholder
      role: { "Fn::Sub": "${StatusRole.Arn}" },
      reservedConcurrency: 1,
    });
    const role = functionRoles(sandbox).find((r) => r.functionName === "status");
    expect(role?.logicalId).toBe("StatusRole");
    expect(
      role?.statements.flatMap((s) => s.Action).every((a) => a === "sqs:ReceiveMessage" || READ_ONLY.test(a)),
    ).toBe(true);
    const { originBalancer: _o, flowControl: _f, certRotation: _c, canary: _k, ...none } = sandbox;
    expect(functionDefinitions(none).status).toBeUndefined();
  });

  it("builds its ARNs from CloudFormation pseudo parameters for the template", () => {
    const template = policyStatements(sandbox, CLOUDFORMATION_ARN_CONTEXT("sandbox"), shared);
    const acm = template.find((s) => s.Action.includes("acm:DescribeCertificate"))?.Resource;
    expect(acm).toMatch(
      /^arn:\$\{AWS::Partition\}:acm:\$\{AWS::Region\}:\$\{AWS::AccountId\}:certificate\/\*$/,
    );
  });
});
