import type { OriginBalancerConfig } from "../../shared/config/balancer-config";
import { type ArnContext, type PolicyStatement, readOverridesStatement, ssmParameterArn } from "./types";

/**
 * Least privilege for the origin balancer: change records only in the configured hosted zones, read
 * only the Slack token and its own state parameters.
 */
export function policyStatements(
  config: OriginBalancerConfig,
  ctx: ArnContext,
  shared: { parameterPrefix: string; slackTokenParameter: string },
): PolicyStatement[] {
  const zones = [...new Set(config.pools.map((p) => p.record.hostedZoneId))].map(
    (id) => `arn:${ctx.partition}:route53:::hostedzone/${id}`,
  );
  return [
    // GetMetricData supports no resource-level permissions: AWS requires "*" here.
    { Effect: "Allow", Action: ["cloudwatch:GetMetricData"], Resource: "*" },
    {
      Effect: "Allow",
      Action: ["route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"],
      Resource: zones,
    },
    { Effect: "Allow", Action: ["route53:GetChange"], Resource: `arn:${ctx.partition}:route53:::change/*` },
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: ssmParameterArn(ctx, shared.slackTokenParameter),
    },
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: ssmParameterArn(ctx, `${shared.parameterPrefix.replace(/\/$/, "")}/origin-balancer/*`),
    },
    readOverridesStatement(ctx, shared.parameterPrefix),
  ];
}
