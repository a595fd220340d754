/** An IAM policy statement as CloudFormation takes it (strings may hold ${AWS::...} for Fn::Sub). */
export interface PolicyStatement {
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, unknown>;
}

/** Where ARNs are built: CloudFormation pseudo parameters by default, so templates stay account-agnostic. */
export interface ArnContext {
  region: string;
  accountId: string;
  partition: string;
  stage: string;
}

export const CLOUDFORMATION_ARN_CONTEXT = (stage: string): ArnContext => ({
  region: "${AWS::Region}",
  accountId: "${AWS::AccountId}",
  partition: "${AWS::Partition}",
  stage,
});

export function ssmParameterArn(ctx: ArnContext, name: string): string {
  return `arn:${ctx.partition}:ssm:${ctx.region}:${ctx.accountId}:parameter${name}`;
}
