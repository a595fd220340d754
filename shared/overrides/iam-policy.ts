import type { StageConfig } from "../../shared/config/stage-config";
import { parameterKeys, writableArea } from "../kernel/domain/parameter-layout";
import {
  type ArnContext,
  layoutParameterArn,
  type PolicyStatement,
  readOverridesStatement,
  ssmParameterArn,
} from "../kernel/iam-statements";

/**
 * Least privilege for the override function: write overrides (and their write locks), approve or reject
 * stored certificate plans, and invoke the functions it hands commands to (canary, cert-rotation, flow-control converge). It cannot touch Route 53,
 * ELB, EC2 or Run Command: every action on the world goes through the automation that owns it.
 */
export function policyStatements(
  config: StageConfig,
  ctx: ArnContext,
  shared: { parameterPrefix: string; slackTokenParameter: string },
): PolicyStatement[] {
  const prefix = shared.parameterPrefix.replace(/\/$/, "");
  const statements: PolicyStatement[] = [
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: ssmParameterArn(ctx, shared.slackTokenParameter),
    },
    readOverridesStatement(ctx, prefix),
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: layoutParameterArn(ctx, prefix, writableArea("overrides")),
    },
  ];
  if (config.originBalancer) {
    statements.push({
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: config.originBalancer.pools.flatMap((pool) => [
        layoutParameterArn(ctx, prefix, parameterKeys.balancerPendingPlan(pool.name)),
        layoutParameterArn(ctx, prefix, parameterKeys.lockOf(parameterKeys.balancerPendingPlan(pool.name))),
      ]),
    });
  }
  if (config.certRotation) {
    statements.push({
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: config.certRotation.pairs.flatMap((pair) => [
        layoutParameterArn(ctx, prefix, parameterKeys.pairPendingPlan(pair.name)),
        layoutParameterArn(ctx, prefix, parameterKeys.lockOf(parameterKeys.pairPendingPlan(pair.name))),
      ]),
    });
  }
  const delegates = [
    config.canary ? "canary" : undefined,
    config.certRotation ? "cert-rotation" : undefined,
    config.flowControl ? "flow-control" : undefined,
  ]
    .filter((name): name is string => name !== undefined)
    .map(
      (name) =>
        `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.accountId}:function:traffic-autopilot-${ctx.stage}-${name}`,
    );
  if (delegates.length > 0) {
    statements.push({ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: delegates });
  }
  return statements;
}
