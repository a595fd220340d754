import { describe, expect, it } from "vitest";
import { certRotationSchema } from "../../../shared/cert-rotation/config";
import { policyStatements } from "../../../shared/cert-rotation/iam-policy";
import { CLOUDFORMATION_ARN_CONTEXT } from "../../../shared/kernel/iam-statements";

const ctx = { region: "eu-west-1", accountId: "123456789012", partition: "aws", stage: "prod" };
const shared = {
  parameterPrefix: "/traffic-autopilot/prod",
  slackTokenParameter: "/traffic-autopilot/prod/slack-token",
};

const config = certRotationSchema.parse({
  pairs: [
    {
      name: "iot",
      pairTag: { key: "Pair", value: "iot-ws" },
      record: { hostedZoneId: "Z111111111", name: "Devices.Example.com", types: ["A", "AAAA"] },
      certificates: { domains: ["devices.example.com"] },
    },
    {
      name: "mqtt",
      pairTag: { key: "Pair", value: "mqtt" },
      record: { hostedZoneId: "Z111111111", name: "mqtt.example.com", types: ["A"] },
      certificates: { tag: { key: "rotation", value: "mqtt" } },
    },
    {
      name: "admin",
      pairTag: { key: "Pair", value: "admin" },
      loadBalancerNames: ["admin-blue", "admin-green"],
      record: { hostedZoneId: "Z222222222", name: "admin.example.net", types: ["CNAME"] },
      certificates: { domains: ["admin.example.net"] },
    },
  ],
});
const statements = policyStatements(config, ctx, shared);
const withAction = (action: string) => statements.filter((s) => s.Action.includes(action));

describe("the cert-rotation IAM policy", () => {
  it("grants no wildcard action and no service-wide action", () => {
    for (const statement of statements) {
      for (const action of statement.Action) {
        expect(action).not.toBe("*");
        expect(action).not.toMatch(/:\*$/);
      }
    }
  });

  it("uses Resource '*' only for the read calls AWS cannot scope", () => {
    const unscoped = statements.filter((s) => s.Resource === "*").flatMap((s) => s.Action);
    expect(unscoped.sort()).toEqual([
      "acm:ListCertificates",
      "elasticloadbalancing:DescribeListenerCertificates",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeTags",
    ]);
  });

  it("lets ModifyListener touch the named pair's listeners by ARN and tag-found pairs' listeners by tag only", () => {
    expect(withAction("elasticloadbalancing:ModifyListener")).toEqual([
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:ModifyListener"],
        Resource: [
          "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/admin-blue/*/*",
          "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/admin-green/*/*",
        ],
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:ModifyListener"],
        Resource: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/*/*/*",
        Condition: { StringEquals: { "elasticloadbalancing:ResourceTag/Pair": ["iot-ws", "mqtt"] } },
      },
    ]);
  });

  it("lets AddTags write only the colour tag, and only on the pairs' load balancers", () => {
    const addTags = withAction("elasticloadbalancing:AddTags");
    expect(addTags).toHaveLength(2);
    for (const statement of addTags) {
      expect(statement.Condition?.["ForAllValues:StringEquals"]).toEqual({
        "aws:TagKeys": ["DeploymentColor"],
      });
    }
    expect(addTags[1]?.Condition?.StringEquals).toEqual({
      "elasticloadbalancing:ResourceTag/Pair": ["iot-ws", "mqtt"],
    });
    expect(statements.some((s) => s.Action.includes("elasticloadbalancing:RemoveTags"))).toBe(false);
  });

  it("lets Route 53 UPSERT only the configured names and types, zone by zone", () => {
    expect(withAction("route53:ChangeResourceRecordSets")).toEqual([
      {
        Effect: "Allow",
        Action: ["route53:ChangeResourceRecordSets"],
        Resource: "arn:aws:route53:::hostedzone/Z111111111",
        Condition: {
          "ForAllValues:StringEquals": {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
              "devices.example.com",
              "mqtt.example.com",
            ],
            "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA"],
            "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
          },
        },
      },
      {
        Effect: "Allow",
        Action: ["route53:ChangeResourceRecordSets"],
        Resource: "arn:aws:route53:::hostedzone/Z222222222",
        Condition: {
          "ForAllValues:StringEquals": {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["admin.example.net"],
            "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
            "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
          },
        },
      },
    ]);
  });

  it("reads ACM and never writes it", () => {
    const acm = statements.flatMap((s) => s.Action).filter((a) => a.startsWith("acm:"));
    expect(acm.sort()).toEqual([
      "acm:DescribeCertificate",
      "acm:ListCertificates",
      "acm:ListTagsForCertificate",
    ]);
  });

  it("reads the Slack token and writes only its own state and plan parameters", () => {
    expect(withAction("ssm:PutParameter")).toEqual([
      {
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
        Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/traffic-autopilot/prod/cert-rotation/*",
      },
    ]);
  });

  it("builds account-agnostic ARNs from CloudFormation pseudo parameters", () => {
    const cfn = policyStatements(config, CLOUDFORMATION_ARN_CONTEXT("prod"), shared);
    const acm = cfn.find((s) => s.Action.includes("acm:DescribeCertificate"));
    expect(acm?.Resource).toMatch(
      /^arn:\$\{AWS::Partition\}:acm:\$\{AWS::Region\}:\$\{AWS::AccountId\}:certificate\/\*$/,
    );
  });
});
