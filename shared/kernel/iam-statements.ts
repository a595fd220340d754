import { OVERRIDES_ROOT, type ParameterArea, writableArea } from "./domain/parameter-layout";
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

/** The ARN of a parameter (or pattern) named by the parameter layout, under the stage's prefix. */
export function layoutParameterArn(ctx: ArnContext, parameterPrefix: string, key: string): string {
  return ssmParameterArn(ctx, `${parameterPrefix.replace(/\/$/, "")}/${key}`);
}

/**
 * Every automation reads the operator overrides on every run: one recursive GetParametersByPath under
 * `<prefix>/overrides` (the path itself is the resource AWS checks for a by-path read).
 */
export function readOverridesStatement(ctx: ArnContext, parameterPrefix: string): PolicyStatement {
  const root = `${parameterPrefix.replace(/\/$/, "")}/${OVERRIDES_ROOT}`;
  return {
    Effect: "Allow",
    Action: ["ssm:GetParametersByPath"],
    Resource: [ssmParameterArn(ctx, root), ssmParameterArn(ctx, `${root}/*`)],
  };
}

/**
 * What the role of an automation that keeps its state in its own area needs besides its AWS work: read
 * the Slack token, read and write (with the locks of versioned writes) everything under its area, and
 * list the overrides.
 */
export function ownStateStatements(
  ctx: ArnContext,
  shared: { parameterPrefix: string; slackTokenParameter: string },
  area: ParameterArea,
): PolicyStatement[] {
  return [
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: ssmParameterArn(ctx, shared.slackTokenParameter),
    },
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
      Resource: layoutParameterArn(ctx, shared.parameterPrefix, writableArea(area)),
    },
    readOverridesStatement(ctx, shared.parameterPrefix),
  ];
}
