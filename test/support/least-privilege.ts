/**
 * Least-privilege rules for the packaged CloudFormation template, checked generically for every function
 * (a new function gets the same scrutiny without a new test). Returns every violation in words.
 */

/**
 * Actions AWS documents with no resource-level permissions (the Service Authorization Reference lists no
 * resource type for them): a policy can only grant them on "*". All of them only read.
 */
export const NO_RESOURCE_LEVEL = new Map<string, string>([
  ["ec2:DescribeInstances", "EC2 Describe* calls take no resource ARN"],
  ["cloudwatch:GetMetricData", "GetMetricData takes no resource ARN"],
  ["acm:ListCertificates", "List calls take no resource ARN"],
  ["elasticloadbalancing:DescribeLoadBalancers", "ELB Describe* calls take no resource ARN"],
  ["elasticloadbalancing:DescribeTags", "ELB Describe* calls take no resource ARN"],
  ["elasticloadbalancing:DescribeListeners", "ELB Describe* calls take no resource ARN"],
  ["elasticloadbalancing:DescribeListenerCertificates", "ELB Describe* calls take no resource ARN"],
  ["elasticloadbalancing:DescribeRules", "ELB Describe* calls take no resource ARN"],
  ["elasticloadbalancing:DescribeTargetHealth", "ELB Describe* calls take no resource ARN"],
  ["elasticloadbalancing:DescribeTargetGroups", "ELB Describe* calls take no resource ARN"],
  ["ssm:ListCommandInvocations", "Run Command reads take no resource ARN"],
  ["ssm:GetCommandInvocation", "Run Command reads take no resource ARN"],
  ["ssm:ListCommands", "Run Command reads take no resource ARN"],
]);

/** What the stage file says, which the policies must match. */
export interface StageFacts {
  region: string;
  accountId: string;
  parameterPrefix: string;
  slackTokenParameter: string;
  documentName?: string;
  fleetTags: { key: string; value: string }[];
}

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** CloudFormation strings as they would deploy: pseudo parameters substituted, joins joined. */
function resolve(value: unknown, facts: StageFacts): string {
  if (typeof value === "string") return value;
  const v = value as Record<string, unknown>;
  if (typeof v?.["Fn::Sub"] === "string") {
    const pseudo: Record<string, string> = {
      Partition: "aws",
      Region: facts.region,
      AccountId: facts.accountId,
    };
    return (v["Fn::Sub"] as string).replace(
      /\$\{AWS::(\w+)\}/g,
      (whole, name: string) => pseudo[name] ?? whole,
    );
  }
  if (Array.isArray(v?.["Fn::Join"])) {
    const [sep, parts] = v["Fn::Join"] as [string, unknown[]];
    return parts.map((p) => resolve(p, facts)).join(sep);
  }
  return JSON.stringify(value);
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const readOnly = (action: string) => /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/.test(action);
const SSM_PARAMETER_ACTIONS =
  /^ssm:(GetParameter|GetParameters|GetParametersByPath|PutParameter|DeleteParameter|DeleteParameters|LabelParameterVersion|GetParameterHistory)$/;

export function leastPrivilegeViolations(template: { Resources: Resources }, facts: StageFacts): string[] {
  const problems: string[] = [];
  const resources = template.Resources;
  const functions = Object.entries(resources).filter(([, r]) => r.Type === "AWS::Lambda::Function");
  if (functions.length === 0) problems.push("the template has no function");
  const owner = new Map<string, string>();
  for (const [id, fn] of functions) {
    const role = roleLogicalId(fn.Properties.Role);
    if (role === undefined || resources[role]?.Type !== "AWS::IAM::Role") {
      problems.push(`${id}: its role is not a role of this stack (${JSON.stringify(fn.Properties.Role)})`);
      continue;
    }
    if (owner.has(role)) problems.push(`${id} shares role ${role} with ${owner.get(role)}`);
    owner.set(role, id);
    const name = resolve(fn.Properties.FunctionName, facts);
    problems.push(...roleViolations(role, resources, name, facts));
  }
  // Policies attached from outside a role would escape the per-role checks: there must be none.
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === "AWS::IAM::Policy" || r.Type === "AWS::IAM::ManagedPolicy")
      problems.push(`${id}: a detached ${r.Type}`);
    if (r.Type === "AWS::IAM::Role" && !owner.has(id)) problems.push(`${id}: a role no function uses`);
  }
  return problems;
}

function roleViolations(
  roleId: string,
  resources: Resources,
  functionName: string,
  facts: StageFacts,
): string[] {
  const role = resources[roleId]?.Properties ?? {};
  const problems: string[] = [];
  const trust = JSON.stringify(role.AssumeRolePolicyDocument ?? {});
  if (!trust.includes('"Service":"lambda.amazonaws.com"') || /"AWS"|"Federated"/.test(trust)) {
    problems.push(`${roleId}: trusted by more than Lambda: ${trust}`);
  }
  if (list(role.ManagedPolicyArns as string[] | undefined).length > 0) {
    problems.push(
      `${roleId}: managed policies ${JSON.stringify(role.ManagedPolicyArns)} grant what no test sees`,
    );
  }
  const statements = list(
    role.Policies as { PolicyDocument: { Statement: Statement | Statement[] } }[],
  ).flatMap((p) => list(p.PolicyDocument.Statement));
  for (const s of statements) problems.push(...statementViolations(s, `${roleId}`, functionName, facts));
  return problems;
}

function statementViolations(s: Statement, where: string, functionName: string, facts: StageFacts): string[] {
  const problems: string[] = [];
  const say = (text: string) => problems.push(`${where}: ${text} in ${JSON.stringify(s).slice(0, 300)}`);
  if (s.NotAction !== undefined || s.NotResource !== undefined) say("NotAction/NotResource");
  const actions = list(s.Action);
  const arns = list(s.Resource).map((r) => resolve(r, facts));
  if (actions.length === 0 || arns.length === 0) say("a statement without actions or resources");
  for (const action of actions.filter((a) => a.includes("*"))) say(`wildcard action ${action}`);
  const partition = `arn:aws`;
  const regional = (service: string) => `${partition}:${service}:${facts.region}:${facts.accountId}:`;
  for (const arn of arns) {
    if (arn === "*") {
      const unlisted = actions.filter((a) => !NO_RESOURCE_LEVEL.has(a));
      if (unlisted.length > 0)
        say(`Resource "*" for ${unlisted.join(", ")}, which support resource-level permissions`);
      continue;
    }
    if (!arn.includes("*") || s.Condition !== undefined) continue;
    // Log streams and SSM parameters have their own, stricter rules below.
    if (actions.every((a) => a.startsWith("logs:") || SSM_PARAMETER_ACTIONS.test(a))) continue;
    // A wildcard ARN without a condition: only for reads, only inside this account and region.
    const pinned =
      /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:/.test(arn) &&
      !arn.split(":").slice(0, 5).join(":").includes("*");
    if (!actions.every(readOnly) || !pinned)
      say(`wildcard resource ${arn} for ${actions.join(", ")} without a condition`);
  }
  for (const action of actions) {
    if (action.startsWith("logs:")) {
      const own = `${regional("logs")}log-group:/aws/lambda/${functionName}:*`;
      if (!["logs:CreateLogStream", "logs:PutLogEvents"].includes(action))
        say(`${action} beyond writing its own stream`);
      if (arns.some((a) => a !== own)) say(`${action} outside its own log group ${own}`);
    }
    if (SSM_PARAMETER_ACTIONS.test(action)) {
      const prefix = `${regional("ssm")}parameter${facts.parameterPrefix.replace(/\/$/, "")}/`;
      const token = `${regional("ssm")}parameter${facts.slackTokenParameter}`;
      const reading = /^ssm:Get/.test(action);
      for (const arn of arns) {
        if (arn === token && !reading) say(`${action} may change the Slack token`);
        else if (arn !== token && !arn.startsWith(prefix))
          say(`${action} outside ${facts.parameterPrefix}: ${arn}`);
      }
    }
    if (action === "ssm:SendCommand") problems.push(...sendCommandViolations(s, arns, where, facts));
  }
  return problems;
}

function sendCommandViolations(s: Statement, arns: string[], where: string, facts: StageFacts): string[] {
  const problems: string[] = [];
  const document = `arn:aws:ssm:${facts.region}:${facts.accountId}:document/${facts.documentName}`;
  const instances = `arn:aws:ec2:${facts.region}:${facts.accountId}:instance/*`;
  for (const arn of arns) {
    if (arn === document) continue;
    if (arn !== instances) {
      problems.push(`${where}: ssm:SendCommand on ${arn}, neither our document nor tagged instances`);
      continue;
    }
    const equals = s.Condition?.StringEquals ?? {};
    const keys = Object.keys(s.Condition ?? {}).length === 1 ? Object.keys(equals) : [];
    const fleet =
      keys.length === 1 && keys[0]?.startsWith("ssm:resourceTag/")
        ? keys[0].slice("ssm:resourceTag/".length)
        : undefined;
    const allowed = facts.fleetTags.filter((t) => t.key === fleet).map((t) => t.value);
    const values = list(equals[`ssm:resourceTag/${fleet}`] as string | string[] | undefined);
    if (fleet === undefined || values.length === 0 || values.some((v) => !allowed.includes(v))) {
      problems.push(
        `${where}: ssm:SendCommand on instances without exactly the fleet tag condition: ${JSON.stringify(s.Condition)}`,
      );
    }
  }
  return problems;
}

/** The role's logical id from `Fn::GetAtt [Role, Arn]` or `Fn::Sub "${Role.Arn}"` (the form the stack uses). */
function roleLogicalId(role: unknown): string | undefined {
  const value = role as { "Fn::GetAtt"?: [string, string]; "Fn::Sub"?: unknown } | undefined;
  if (value?.["Fn::GetAtt"]) return value["Fn::GetAtt"][0];
  const sub = value?.["Fn::Sub"];
  return typeof sub === "string" ? /^\$\{([A-Za-z0-9]+)\.Arn\}$/.exec(sub)?.[1] : undefined;
}
