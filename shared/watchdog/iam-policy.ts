import { type ArnContext, type PolicyStatement, ssmParameterArn } from "../kernel/iam-statements";

/**
 * Least privilege for the watchdog: it reads its Slack token and nothing else (its log group is added
 * to every role by resources.ts; its on-failure queue by watch.ts). It must keep working when the
 * automations' permissions, state or stage file are broken, so it shares none of them.
 */
export function watchdogPolicy(ctx: ArnContext, options: { tokenParameter: string }): PolicyStatement[] {
  return [
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: ssmParameterArn(ctx, options.tokenParameter),
    },
  ];
}
