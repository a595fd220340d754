import type { StageConfig } from "../../shared/config/stage-config";
import { parameterKeys } from "../kernel/domain/parameter-layout";
import { type ArnContext, type PolicyStatement, ssmParameterArn } from "../kernel/iam-statements";

/**
 * Least privilege for the Slack endpoint: read its signing secret (and the Slack token every function
 * reads at cold start for error alerts), claim and sweep its own replay keys, and invoke the override
 * function, nothing else. Every action reaches AWS through the override function's own role and code.
 */
export function policyStatements(
  config: StageConfig,
  ctx: ArnContext,
  shared: { parameterPrefix: string; slackTokenParameter: string },
): PolicyStatement[] {
  const prefix = shared.parameterPrefix.replace(/\/$/, "");
  const replay = `${prefix}/${parameterKeys.slackReplayRoot()}`;
  const secrets = [
    shared.slackTokenParameter,
    ...(config.slackChatops ? [config.slackChatops.signingSecretParameter] : []),
  ];
  return [
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: secrets.map((name) => ssmParameterArn(ctx, name)),
    },
    {
      Effect: "Allow",
      Action: ["ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: ssmParameterArn(ctx, `${replay}/*`),
    },
    {
      Effect: "Allow",
      Action: ["ssm:GetParametersByPath"],
      Resource: [ssmParameterArn(ctx, replay), ssmParameterArn(ctx, `${replay}/*`)],
    },
    {
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      Resource: `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.accountId}:function:traffic-autopilot-${ctx.stage}-override`,
    },
  ];
}
