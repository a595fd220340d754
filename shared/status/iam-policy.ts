import type { StageConfig } from "../../shared/config/stage-config";
import { failedEventsQueueName } from "../../shared/runtime/failed-events-queue";
import { PARAMETER_AREAS } from "../kernel/domain/parameter-layout";
import {
  type ArnContext,
  type PolicyStatement,
  readOverridesStatement,
  ssmParameterArn,
} from "../kernel/iam-statements";

/**
 * Least privilege for the status function: read-only, and only what the status document shows. No
 * Put, Delete, Change, Modify, Send or Invoke of any kind: status can be given to anyone on call.
 * Every read is scoped the way the automation that owns the resource is scoped; the calls AWS supports
 * no resource-level permissions for (ELBv2 Describe*, ec2:DescribeInstances) get "*", as in those roles.
 */
export function policyStatements(
  config: StageConfig,
  ctx: ArnContext,
  shared: { parameterPrefix: string; slackTokenParameter: string },
): PolicyStatement[] {
  const prefix = shared.parameterPrefix.replace(/\/$/, "");
  const zone = (id: string) => `arn:${ctx.partition}:route53:::hostedzone/${id}`;
  const zones = [
    ...(config.originBalancer?.pools.map((p) => p.record.hostedZoneId) ?? []),
    ...(config.certRotation?.pairs.map((p) => p.record.hostedZoneId) ?? []),
  ];
  // Each configured automation's own state subtree (state, plans, records) and the overrides.
  const subtrees = [
    config.originBalancer ? PARAMETER_AREAS["origin-balancer"] : undefined,
    config.flowControl ? PARAMETER_AREAS["flow-control"] : undefined,
    config.certRotation ? PARAMETER_AREAS["cert-rotation"] : undefined,
    config.canary ? PARAMETER_AREAS.canary : undefined,
    PARAMETER_AREAS.overrides,
  ].filter((s) => s !== undefined);
  const elbReads = [
    ...(config.certRotation
      ? [
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerCertificates",
        ]
      : []),
    ...(config.canary
      ? ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeListeners"]
      : []),
  ];
  const statements: PolicyStatement[] = [
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: [
        ssmParameterArn(ctx, shared.slackTokenParameter),
        ...subtrees.map((s) => ssmParameterArn(ctx, `${prefix}/${s}/*`)),
      ],
    },
    readOverridesStatement(ctx, prefix),
  ];
  if (config.originBalancer) {
    // The balancer's memory is read as the balancer reads it: zone documents (and a pool's state of
    // earlier versions) in batches, or in one paged listing when many pools have none yet.
    statements.push({
      Effect: "Allow",
      Action: ["ssm:GetParameters", "ssm:GetParametersByPath"],
      Resource: [
        ssmParameterArn(ctx, `${prefix}/origin-balancer`),
        ssmParameterArn(ctx, `${prefix}/origin-balancer/*`),
      ],
    });
  }
  if (zones.length > 0) {
    statements.push({
      Effect: "Allow",
      Action: ["route53:ListResourceRecordSets"],
      Resource: [...new Set(zones)].sort().map(zone),
    });
  }
  if (config.flowControl) {
    // Fleet membership by tag. DescribeInstances supports no resource-level permissions.
    statements.push({ Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" });
  }
  if (elbReads.length > 0) {
    // ELBv2 Describe* calls support no resource-level permissions: AWS requires "*" for them.
    statements.push({ Effect: "Allow", Action: [...new Set(elbReads)].sort(), Resource: "*" });
  }
  if (config.originBalancer || config.flowControl || config.certRotation || config.canary) {
    // The on-failure queue: its depth, and a look at the newest failed events. ReceiveMessage with a
    // visibility timeout of 0 hides nothing; without DeleteMessage status cannot change the queue.
    statements.push({
      Effect: "Allow",
      Action: ["sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
      Resource: `arn:${ctx.partition}:sqs:${ctx.region}:${ctx.accountId}:${failedEventsQueueName(config.stage)}`,
    });
  }
  if (config.certRotation) {
    statements.push({
      Effect: "Allow",
      Action: ["acm:DescribeCertificate"],
      Resource: `arn:${ctx.partition}:acm:${ctx.region}:${ctx.accountId}:certificate/*`,
    });
  }
  return statements;
}
