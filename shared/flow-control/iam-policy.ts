import { type ArnContext, ownStateStatements, type PolicyStatement } from "../kernel/iam-statements";
import type { FlowControlConfig } from "./config";

/**
 * Least privilege for flow control: ssm:SendCommand only with our own document and only on instances that
 * carry a configured fleet tag; the read calls that follow a command; DescribeAlarms on the configured
 * alarms only; its own state and the Slack token.
 *
 * SendCommand is authorised against every resource it touches: the document AND each instance. So the
 * document and the instances are two statements, and only the instance statement has the tag condition
 * (a document does not carry the fleet tag, a shared condition would deny every call).
 */
export function policyStatements(
  config: FlowControlConfig,
  ctx: ArnContext,
  shared: { parameterPrefix: string; slackTokenParameter: string },
): PolicyStatement[] {
  const valuesByKey = new Map<string, string[]>();
  for (const fleet of config.fleets) {
    const values = valuesByKey.get(fleet.tag.key) ?? [];
    if (!values.includes(fleet.tag.value)) values.push(fleet.tag.value);
    valuesByKey.set(fleet.tag.key, values);
  }
  // One statement per tag key: several values in one StringEquals are alternatives (any fleet's value).
  const instanceStatements: PolicyStatement[] = [...valuesByKey].map(([key, values]) => ({
    Effect: "Allow",
    Action: ["ssm:SendCommand"],
    Resource: `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:instance/*`,
    Condition: { StringEquals: { [`ssm:resourceTag/${key}`]: values } },
  }));
  const alarms = [...new Set(config.fleets.flatMap((f) => f.alarms.map((a) => a.alarmName)))]
    .sort()
    .map((name) => `arn:${ctx.partition}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`);
  return [
    {
      Effect: "Allow",
      Action: ["ssm:SendCommand"],
      Resource: `arn:${ctx.partition}:ssm:${ctx.region}:${ctx.accountId}:document/${config.documentName}`,
    },
    ...instanceStatements,
    // ListCommandInvocations, GetCommandInvocation and ec2:DescribeInstances support no resource-level
    // permissions: AWS requires "*" for them. They only read.
    {
      Effect: "Allow",
      Action: ["ssm:ListCommandInvocations", "ssm:GetCommandInvocation", "ec2:DescribeInstances"],
      Resource: "*",
    },
    // Alarm notifications are confirmed with DescribeAlarms before acting: scoped to the configured alarms.
    { Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"], Resource: alarms },
    ...ownStateStatements(ctx, shared, "flow-control"),
  ];
}
