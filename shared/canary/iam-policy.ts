import { type ArnContext, ownStateStatements, type PolicyStatement } from "../kernel/iam-statements";
import type { CanarySectionConfig } from "./config";

/**
 * Least privilege for the canary: modify only the configured listener rules (ModifyRule) and listeners
 * whose default action a canary steers (ModifyListener); read only the gate alarms; its own step records
 * and the Slack token. No statement is left empty: a section of rule-only canaries gets no
 * ModifyListener at all.
 */
export function policyStatements(
  config: CanarySectionConfig,
  ctx: ArnContext,
  shared: { parameterPrefix: string; slackTokenParameter: string },
): PolicyStatement[] {
  const unique = (values: (string | undefined)[]) =>
    [...new Set(values.filter((v): v is string => v !== undefined))].sort();
  const rules = unique(config.canaries.map((c) => c.listenerRuleArn));
  const listeners = unique(config.canaries.map((c) => c.listenerArn));
  const alarms = unique(config.canaries.flatMap((c) => c.gateAlarms)).map(
    (name) => `arn:${ctx.partition}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`,
  );
  return [
    ...(rules.length > 0
      ? [{ Effect: "Allow" as const, Action: ["elasticloadbalancing:ModifyRule"], Resource: rules }]
      : []),
    ...(listeners.length > 0
      ? [{ Effect: "Allow" as const, Action: ["elasticloadbalancing:ModifyListener"], Resource: listeners }]
      : []),
    // ELBv2 Describe* calls support no resource-level permissions: AWS requires "*" for them. They only read.
    {
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeTargetHealth",
      ],
      Resource: "*",
    },
    // Scoped to the gate alarms. AWS returns composite alarms only to a DescribeAlarms grant on "*": a
    // composite gate reads as missing here, which holds the canary (no data never passes), it never passes.
    { Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"], Resource: alarms },
    ...ownStateStatements(ctx, shared, "canary"),
  ];
}
