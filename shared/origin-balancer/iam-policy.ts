import { writableArea } from "../kernel/domain/parameter-layout";
import {
  type ArnContext,
  layoutParameterArn,
  type PolicyStatement,
  readOverridesStatement,
  ssmParameterArn,
} from "../kernel/iam-statements";
import type { OriginBalancerConfig } from "./config";

/**
 * Least privilege for the origin balancer: in each configured hosted zone, UPSERT only the configured
 * record names and types (the zone's other records, an apex or an MX, stay out of reach), read only the
 * Slack token and its own state parameters.
 */
export function policyStatements(
  config: OriginBalancerConfig,
  ctx: ArnContext,
  shared: { parameterPrefix: string; slackTokenParameter: string },
): PolicyStatement[] {
  const unique = (values: string[]) => [...new Set(values)].sort();
  const zoneIds = unique(config.pools.map((p) => p.record.hostedZoneId));
  const zoneArn = (id: string) => `arn:${ctx.partition}:route53:::hostedzone/${id}`;
  // Per zone: UPSERT only, only our record names and types (Route 53's normalised names: lower case, no dot).
  const changes: PolicyStatement[] = zoneIds.map((zone) => {
    const records = config.pools.map((p) => p.record).filter((r) => r.hostedZoneId === zone);
    return {
      Effect: "Allow",
      Action: ["route53:ChangeResourceRecordSets"],
      Resource: zoneArn(zone),
      Condition: {
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": unique(
            records.map((r) => r.name.replace(/\.$/, "").toLowerCase()),
          ),
          "route53:ChangeResourceRecordSetsRecordTypes": unique(records.map((r) => r.type)),
          "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
        },
      },
    };
  });
  return [
    // GetMetricData supports no resource-level permissions: AWS requires "*" here.
    { Effect: "Allow", Action: ["cloudwatch:GetMetricData"], Resource: "*" },
    { Effect: "Allow", Action: ["route53:ListResourceRecordSets"], Resource: zoneIds.map(zoneArn) },
    ...changes,
    { Effect: "Allow", Action: ["route53:GetChange"], Resource: `arn:${ctx.partition}:route53:::change/*` },
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: ssmParameterArn(ctx, shared.slackTokenParameter),
    },
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: layoutParameterArn(ctx, shared.parameterPrefix, writableArea("origin-balancer")),
    },
    readOverridesStatement(ctx, shared.parameterPrefix),
  ];
}
