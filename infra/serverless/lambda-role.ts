import type { PolicyStatement } from "../../shared/kernel/iam-statements";

/**
 * A function's own IAM role, the shape every role of the stack has: Lambda may assume it, the function may
 * write only to its own log group, then exactly `statements`. ARNs with CloudFormation pseudo parameters
 * (`${AWS::Region}`…) go through Fn::Sub.
 * @example lambdaRole("traffic-autopilot-prod-status", "status-least-privilege", [describeAlarms])
 */
export function lambdaRole(
  deployedFunctionName: string,
  policyName: string,
  statements: readonly PolicyStatement[],
): Record<string, unknown> {
  const logGroup = `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${deployedFunctionName}`;
  const all: PolicyStatement[] = [
    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup}:*` },
    ...statements,
  ];
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      },
      Policies: [
        { PolicyName: policyName, PolicyDocument: { Version: "2012-10-17", Statement: all.map(substitute) } },
      ],
    },
  };
}

function substitute(statement: PolicyStatement): Record<string, unknown> {
  const sub = (arn: string) => (arn.includes("${") ? { "Fn::Sub": arn } : arn);
  const resource = Array.isArray(statement.Resource) ? statement.Resource.map(sub) : sub(statement.Resource);
  return { ...statement, Resource: resource };
}
