import { PARAMETER_AREAS, parameterKeys } from "../kernel/domain/parameter-layout";
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
 * Slack token, and touch only its own parameters (keys from the parameter layout, shared/kernel/domain/parameter-layout.ts):
 * each configured zone's state document, the run lease, each pool's plan, and (read-only) each pool's
 * state parameter of earlier versions, carried over once.
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
    ...stateStatements(config, ctx, shared.parameterPrefix, zoneIds),
    readOverridesStatement(ctx, shared.parameterPrefix),
  ];
}

function stateStatements(
  config: OriginBalancerConfig,
  ctx: ArnContext,
  parameterPrefix: string,
  zoneIds: readonly string[],
): PolicyStatement[] {
  const arn = (key: string) => layoutParameterArn(ctx, parameterPrefix, key);
  const pools = [...new Set(config.pools.map((p) => p.name))].sort();
  return [
    // Zone documents: read in batches, written (state, state-2, ...) under the run lease; never deleted.
    {
      Effect: "Allow",
      Action: ["ssm:GetParameters", "ssm:PutParameter"],
      Resource: zoneIds.map((zone) => arn(parameterKeys.balancerZoneStateParts(zone))),
    },
    // The run lease: created if absent, read to see whether a held one expired, deleted at the end.
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: arn(parameterKeys.balancerLease()),
    },
    // Plan mode: each pool's stored plan and the lock of its versioned write.
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: pools.flatMap((pool) => [
        arn(parameterKeys.balancerPendingPlan(pool)),
        arn(parameterKeys.lockOf(parameterKeys.balancerPendingPlan(pool))),
      ]),
    },
    // Upgrade: the per-pool state of earlier versions, read by name, or in one paged listing of the
    // balancer's parameters when many pools are missing from their zone documents (a stack's first run).
    {
      Effect: "Allow",
      Action: ["ssm:GetParameters"],
      Resource: pools.map((pool) => arn(parameterKeys.balancerLegacyPoolState(pool))),
    },
    {
      Effect: "Allow",
      Action: ["ssm:GetParametersByPath"],
      Resource: arn(PARAMETER_AREAS["origin-balancer"]),
    },
  ];
}
