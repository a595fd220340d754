import { describe, expect, it } from "vitest";
import { leastPrivilegeViolations, type StageFacts } from "../support/least-privilege";

/**
 * The rules the packaged-template test applies to every function (test/unit/serverless-template.test.ts
 * packages once and calls them): here each rule is shown to catch the policy it exists for.
 */
const facts: StageFacts = {
  region: "eu-west-1",
  accountId: "123456789012",
  parameterPrefix: "/traffic-autopilot/sandbox",
  slackTokenParameter: "/traffic-autopilot/sandbox/slack-token",
  documentName: "TrafficAutopilot-sandbox-FlowControl",
  fleetTags: [{ key: "Role", value: "haproxy-web" }],
};

/** An Fn::Sub ARN as serverless writes it: "<Region>" stands for CloudFormation's AWS::Region. */
const sub = (text: string) => ({ "Fn::Sub": text.replace(/<(\w+)>/g, (_, name) => `\${AWS::${name}}`) });
const ssmParameter = (name: string) => sub(`arn:<Partition>:ssm:<Region>:<AccountId>:parameter${name}`);

type Statement = Record<string, unknown>;

/** A flow-control function shaped like the real one, with `extra` statements added or `replace` swapped in. */
function template(
  options: { extra?: Statement[]; replace?: Statement[]; sharedRole?: boolean; managed?: boolean } = {},
) {
  const statements = options.replace ?? [
    {
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: sub(
        "arn:<Partition>:logs:<Region>:<AccountId>:log-group:/aws/lambda/ta-sandbox-flow-control:*",
      ),
    },
    {
      Effect: "Allow",
      Action: ["ssm:SendCommand"],
      Resource: sub("arn:<Partition>:ssm:<Region>:<AccountId>:document/TrafficAutopilot-sandbox-FlowControl"),
    },
    {
      Effect: "Allow",
      Action: ["ssm:SendCommand"],
      Resource: sub("arn:<Partition>:ec2:<Region>:<AccountId>:instance/*"),
      Condition: { StringEquals: { "ssm:resourceTag/Role": ["haproxy-web"] } },
    },
    { Effect: "Allow", Action: ["ssm:GetCommandInvocation", "ec2:DescribeInstances"], Resource: "*" },
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: ssmParameter("/traffic-autopilot/sandbox/slack-token"),
    },
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter"],
      Resource: ssmParameter("/traffic-autopilot/sandbox/flow-control/*"),
    },
  ];
  const role = (extra: Statement[]) => ({
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: {
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      },
      ...(options.managed
        ? { ManagedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"] }
        : {}),
      Policies: [
        { PolicyName: "p", PolicyDocument: { Version: "2012-10-17", Statement: [...statements, ...extra] } },
      ],
    },
  });
  const fn = (name: string, roleId: string) => ({
    Type: "AWS::Lambda::Function",
    Properties: { FunctionName: name, Role: { "Fn::GetAtt": [roleId, "Arn"] } },
  });
  return {
    Resources: {
      FlowControlRole: role(options.extra ?? []),
      FlowControlFunction: fn("ta-sandbox-flow-control", "FlowControlRole"),
      ...(options.sharedRole ? { OtherFunction: fn("ta-sandbox-flow-control", "FlowControlRole") } : {}),
    },
  };
}

describe("least-privilege rules for the packaged template", () => {
  it("find nothing wrong in a policy shaped like flow control's", () => {
    expect(leastPrivilegeViolations(template(), facts)).toEqual([]);
  });

  it.each([
    [
      "a wildcard action",
      { extra: [{ Effect: "Allow", Action: ["ssm:*"], Resource: "*" }] },
      /wildcard action ssm:\*/,
    ],
    ["a bare * action", { extra: [{ Effect: "Allow", Action: "*", Resource: "*" }] }, /wildcard action \*/],
    [
      'Resource "*" for a call that takes a resource ARN',
      { extra: [{ Effect: "Allow", Action: ["route53:ChangeResourceRecordSets"], Resource: "*" }] },
      /Resource "\*" for route53:ChangeResourceRecordSets/,
    ],
    [
      "a wildcard resource for a write without a condition",
      {
        extra: [
          {
            Effect: "Allow",
            Action: ["elasticloadbalancing:ModifyListener"],
            Resource: sub("arn:<Partition>:elasticloadbalancing:<Region>:<AccountId>:listener/app/*/*/*"),
          },
        ],
      },
      /wildcard resource .*listener\/app.* without a condition/,
    ],
    [
      "SendCommand with AWS-RunShellScript",
      {
        extra: [
          {
            Effect: "Allow",
            Action: ["ssm:SendCommand"],
            Resource: "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript",
          },
        ],
      },
      /neither our document nor tagged instances/,
    ],
    [
      "SendCommand on instances of another tag",
      {
        extra: [
          {
            Effect: "Allow",
            Action: ["ssm:SendCommand"],
            Resource: "arn:aws:ec2:eu-west-1:123456789012:instance/*",
            Condition: { StringEquals: { "ssm:resourceTag/Role": ["bastion"] } },
          },
        ],
      },
      /without exactly the fleet tag condition/,
    ],
    [
      "logs to another function's group",
      {
        extra: [
          {
            Effect: "Allow",
            Action: ["logs:PutLogEvents"],
            Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/ta-sandbox-canary:*",
          },
        ],
      },
      /outside its own log group/,
    ],
    [
      "creating log groups",
      { extra: [{ Effect: "Allow", Action: ["logs:CreateLogGroup"], Resource: "*" }] },
      /logs:CreateLogGroup beyond writing its own stream/,
    ],
    [
      "parameters outside the prefix",
      {
        extra: [
          {
            Effect: "Allow",
            Action: ["ssm:GetParameter"],
            Resource: ssmParameter("/other-team/db-password"),
          },
        ],
      },
      /outside \/traffic-autopilot\/sandbox/,
    ],
    [
      "a writable Slack token",
      {
        extra: [
          {
            Effect: "Allow",
            Action: ["ssm:PutParameter"],
            Resource: ssmParameter("/traffic-autopilot/sandbox/slack-token"),
          },
        ],
      },
      /may change the Slack token/,
    ],
    ["NotAction", { extra: [{ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }] }, /NotAction/],
    ["a managed policy", { managed: true }, /managed policies/],
    ["two functions on one role", { sharedRole: true }, /shares role FlowControlRole/],
  ])("catch %s", (_name, options, expected) => {
    const violations = leastPrivilegeViolations(template(options as Parameters<typeof template>[0]), facts);
    expect(
      violations.some((v) => expected.test(v)),
      violations.join("\n"),
    ).toBe(true);
  });
});
