import { copyFileSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from "@aws-sdk/client-cloudformation";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRuleNamesByTargetCommand,
} from "@aws-sdk/client-eventbridge";
import { GetFunctionCommand, GetPolicyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateTopicCommand, ListSubscriptionsCommand, SNSClient } from "@aws-sdk/client-sns";
import { ListDocumentsCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionDefinitions } from "../../infra/serverless/functions";
import { loadStage, SERVICE } from "../../infra/serverless/resources";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { motoClientOptions, motoOrSkip } from "../support/moto";
import {
  cfnLint,
  cfnLintAvailable,
  copyCheckout,
  isolatedAwsEnv,
  runServerless,
} from "../support/serverless-cli";

const hasMoto = motoOrSkip();
const root = path.resolve(__dirname, "../..");
const STAGE = "sandbox";
const STACK = `${SERVICE}-${STAGE}`;
/** One serverless run on two busy cores: packaging alone takes up to a minute here. */
const RUN_TIMEOUT_MS = 400_000;

/** Resource types moto 5.2.1's CloudFormation records but does not create ("No Moto CloudFormation support"). */
const MOTO_CFN_GAPS = [
  "AWS::SNS::Subscription",
  "AWS::S3::BucketPolicy",
  "AWS::CloudWatch::Alarm",
  "AWS::Lambda::EventInvokeConfig",
  "AWS::Lambda::Url",
];

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

/**
 * Every stage file with the stage it deploys as. `example.yml` is a template for `config/prod.yml` (its
 * `stage:` says prod, and a file is refused under another stage name), so it is packaged the way the README
 * deploys it: copied to `config/<its stage>.yml`.
 */
const stageFiles = readdirSync(path.join(root, "config"))
  .filter((f) => f.endsWith(".yml"))
  .map((file) => {
    const declared = /^stage:\s*(\S+)/m.exec(readFileSync(path.join(root, "config", file), "utf8"));
    return { file, stage: declared?.[1] ?? file.replace(/\.yml$/, "") };
  });

const countByType = (types: string[]) =>
  Object.fromEntries(
    [...new Set(types)].sort().map((type) => [type, types.filter((t) => t === type).length]),
  );

describe.skipIf(!hasMoto)("the packaged template of every stage file under cfn-lint", () => {
  let checkout: ReturnType<typeof copyCheckout>;
  afterAll(() => checkout?.remove());

  beforeAll(() => {
    checkout = copyCheckout();
    if (!cfnLintAvailable()) {
      throw new Error('cfn-lint is not on PATH: it comes with python3 -m pip install "moto[server]"');
    }
  });

  it.each(stageFiles)(
    "config/$file packages (as stage $stage) to a template with 0 errors and 0 warnings",
    async ({ file, stage }) => {
      if (file !== `${stage}.yml`) {
        copyFileSync(path.join(root, "config", file), path.join(checkout.dir, "config", `${stage}.yml`));
      }
      const out = `.serverless-${stage}`;
      const packaged = await runServerless(
        checkout.dir,
        ["package", "--stage", stage, "--package", out],
        isolatedAwsEnv(checkout.dir),
        RUN_TIMEOUT_MS,
      );
      expect(packaged.status, packaged.output).toBe(0);
      const template = path.join(checkout.dir, out, "cloudformation-template-update-stack.json");
      const lint = cfnLint(template);
      console.log(
        `cfn-lint config/${file} (stage ${stage}): exit ${lint.status}, ${lint.output.trim().split("\n").filter(Boolean).length} findings (package ${packaged.ms} ms, lint ${lint.ms} ms)`,
      );
      expect(lint.output.trim(), "cfn-lint findings").toBe("");
      expect(lint.status).toBe(0);
    },
    RUN_TIMEOUT_MS + 240_000,
  );
});

describe.skipIf(!hasMoto)("serverless deploy --stage sandbox on moto, then update and remove", () => {
  let checkout: ReturnType<typeof copyCheckout>;
  const config = loadStage(STAGE);
  const definitions = functionDefinitions(config);
  let moto: MotoServer;
  let env: NodeJS.ProcessEnv;
  let cfn: CloudFormationClient;
  let lambda: LambdaClient;
  let sns: SNSClient;
  let events: EventBridgeClient;
  let logs: CloudWatchLogsClient;
  let ssm: SSMClient;
  let template: Template;
  let resources: StackResourceSummary[] = [];

  const functionName = (name: string) => `${STACK}-${name}`;
  /**
   * A topic as the stack sees it: an account topic's ARN as configured, or a topic the stack creates itself
   * (the watchdog's, `{ Ref: WatchdogTopic }`) resolved to its ARN once the stack exists.
   */
  const topicArn = (topic: string | { Ref: string }): string =>
    typeof topic === "string"
      ? topic
      : (resources.find((r) => r.LogicalResourceId === topic.Ref)?.PhysicalResourceId ?? `Ref ${topic.Ref}`);
  const configuredTopics = (name: string): string[] =>
    ((definitions[name]?.events ?? []) as { sns?: { arn: string | { Ref: string } } }[]).flatMap((e) =>
      e.sns ? [topicArn(e.sns.arn)] : [],
    );

  beforeAll(async () => {
    checkout = copyCheckout();
    moto = await startMoto();
    const aws = motoClientOptions(moto.url);
    cfn = new CloudFormationClient(aws);
    lambda = new LambdaClient(aws);
    sns = new SNSClient(aws);
    events = new EventBridgeClient(aws);
    logs = new CloudWatchLogsClient(aws);
    ssm = new SSMClient(aws);
    env = isolatedAwsEnv(checkout.dir, moto.url);
    // The alarm topics belong to the account, not to the stack: they exist before the deploy.
    const topics = new Set(Object.keys(definitions).flatMap(configuredTopics));
    for (const arn of [...topics].filter((t) => t.startsWith("arn:")))
      await sns.send(new CreateTopicCommand({ Name: arn.split(":").pop() }));

    const deployed = await runServerless(checkout.dir, ["deploy", "--stage", STAGE], env, RUN_TIMEOUT_MS);
    console.log(`serverless deploy --stage ${STAGE} (create): exit ${deployed.status} in ${deployed.ms} ms`);
    if (deployed.status !== 0) throw new Error(`deploy failed:\n${deployed.output}\n${moto.log()}`);
    template = JSON.parse(
      readFileSync(path.join(checkout.dir, ".serverless/cloudformation-template-update-stack.json"), "utf8"),
    ) as Template;
    resources =
      (await cfn.send(new ListStackResourcesCommand({ StackName: STACK }))).StackResourceSummaries ?? [];
  }, RUN_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    for (const client of [cfn, lambda, sns, events, logs, ssm]) client?.destroy();
    await moto?.stop();
    checkout?.remove();
  });

  it("creates the stack with every resource of the packaged template", async () => {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0];
    // The framework creates the stack with its deployment bucket, then updates it with everything else.
    expect(["CREATE_COMPLETE", "UPDATE_COMPLETE"]).toContain(stack?.StackStatus);
    const expected = countByType(Object.values(template.Resources).map((r) => r.Type));
    console.log(`resources by type: ${JSON.stringify(expected)}`);
    // moto lists the resources its CloudFormation cannot create with an empty id and type: only known gaps.
    const created = resources.filter((r) => r.ResourceType);
    const supported = Object.entries(template.Resources).filter(([, r]) => !MOTO_CFN_GAPS.includes(r.Type));
    expect(created.map((r) => `${r.LogicalResourceId} ${r.ResourceType}`).sort()).toEqual(
      supported.map(([id, r]) => `${id} ${r.Type}`).sort(),
    );
    expect(resources.length - created.length).toBe(Object.keys(template.Resources).length - supported.length);
    expect(resources.filter((r) => !/_COMPLETE$/.test(r.ResourceStatus ?? ""))).toEqual([]);
  });

  it("deploys every function of the stage config with its own role, nodejs22.x and reserved concurrency", async () => {
    const names = Object.keys(definitions);
    // The stage config decides the functions; the template must carry exactly those.
    expect(names.length).toBeGreaterThan(0);
    expect(resources.filter((r) => r.ResourceType === "AWS::Lambda::Function")).toHaveLength(names.length);
    const stackRoles = new Set(
      resources.filter((r) => r.ResourceType === "AWS::IAM::Role").map((r) => r.PhysicalResourceId),
    );
    const roles = new Set<string>();
    for (const name of names) {
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: functionName(name) }));
      expect(fn.Configuration?.Runtime, name).toBe("nodejs22.x");
      expect(fn.Concurrency?.ReservedConcurrentExecutions, name).toBe(definitions[name]?.reservedConcurrency);
      const role = fn.Configuration?.Role ?? "";
      expect(stackRoles.has(role.split("/").pop()), `${name} runs with a role of this stack: ${role}`).toBe(
        true,
      );
      roles.add(role);
    }
    expect(roles.size, "one role per function").toBe(names.length);
  });

  it("creates each schedule and event pattern as a rule targeting its function", async () => {
    let checked = 0;
    for (const [name, definition] of Object.entries(definitions)) {
      const arn = (await lambda.send(new GetFunctionCommand({ FunctionName: functionName(name) })))
        .Configuration?.FunctionArn;
      const ruleNames =
        (await events.send(new ListRuleNamesByTargetCommand({ TargetArn: arn }))).RuleNames ?? [];
      const rules = await Promise.all(
        ruleNames.map((Name) => events.send(new DescribeRuleCommand({ Name }))),
      );
      const schedules = rules.flatMap((r) => (r.ScheduleExpression ? [r.ScheduleExpression] : [])).sort();
      const patterns = rules.flatMap((r) => (r.EventPattern ? [JSON.parse(r.EventPattern)] : []));
      const wanted = (definition.events ?? []) as {
        schedule?: { rate: string[] };
        eventBridge?: { pattern: unknown };
      }[];
      expect(schedules, name).toEqual(wanted.flatMap((e) => e.schedule?.rate ?? []).sort());
      const wantedPatterns = wanted.flatMap((e) => (e.eventBridge ? [e.eventBridge.pattern] : []));
      expect(patterns, name).toHaveLength(wantedPatterns.length);
      for (const pattern of wantedPatterns) expect(patterns, name).toContainEqual(pattern);
      expect(
        rules.every((r) => r.State === "ENABLED"),
        name,
      ).toBe(true);
      checked += rules.length;
    }
    expect(checked).toBe(resources.filter((r) => r.ResourceType === "AWS::Events::Rule").length);
  });

  it("subscribes each function to exactly its configured topics, invocable only from them", async () => {
    const ours = new Map<string, string>();
    for (const name of Object.keys(definitions)) {
      const arn = (await lambda.send(new GetFunctionCommand({ FunctionName: functionName(name) })))
        .Configuration?.FunctionArn;
      if (arn) ours.set(arn, name);
    }
    const configured = Object.keys(definitions)
      .flatMap((name) => configuredTopics(name).map((topic) => `${name} <- ${topic}`))
      .sort();
    expect(configured.length).toBeGreaterThan(0);
    // moto 5.2.1's CloudFormation does not create AWS::SNS::Subscription (it logs "No Moto CloudFormation
    // support"): the subscriptions are read from the template the stack was created from, and the SNS API
    // must show no subscription of our functions beyond them.
    const deployed = JSON.parse(
      (await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody ?? "{}",
    ) as Template;
    const fnNameOf = (logicalId: string) =>
      String(deployed.Resources[logicalId]?.Properties.FunctionName ?? "").replace(`${STACK}-`, "");
    const inTemplate = Object.values(deployed.Resources)
      .filter((r) => r.Type === "AWS::SNS::Subscription")
      .map((r) => {
        const p = r.Properties as {
          Protocol: string;
          TopicArn: string | { Ref: string };
          Endpoint: { "Fn::GetAtt": string[] };
        };
        expect(p.Protocol).toBe("lambda");
        return `${fnNameOf(p.Endpoint["Fn::GetAtt"][0] ?? "")} <- ${topicArn(p.TopicArn)}`;
      })
      .sort();
    expect(inTemplate).toEqual(configured);
    const all = (await sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? [];
    const subscribed = all
      .filter((s) => s.Protocol === "lambda" && ours.has(s.Endpoint ?? ""))
      .map((s) => `${ours.get(s.Endpoint ?? "")} <- ${s.TopicArn}`);
    for (const subscription of subscribed) expect(configured).toContain(subscription);
    for (const name of Object.keys(definitions)) {
      const topics = configuredTopics(name);
      if (topics.length === 0) continue;
      const policy = JSON.parse(
        (await lambda.send(new GetPolicyCommand({ FunctionName: functionName(name) }))).Policy ?? "{}",
      ) as {
        Statement: {
          Principal: { Service?: string } | string;
          Action: string;
          Condition?: { ArnLike?: Record<string, string> };
        }[];
      };
      const fromSns = policy.Statement.filter(
        (s) => typeof s.Principal === "object" && s.Principal.Service === "sns.amazonaws.com",
      );
      expect(
        fromSns.map((s) => s.Action),
        name,
      ).toEqual(topics.map(() => "lambda:InvokeFunction"));
      const sources = fromSns.map((s) => s.Condition?.ArnLike?.["AWS:SourceArn"]).sort();
      expect(sources, `${name}: SourceArn limited to its topics`).toEqual([...topics].sort());
    }
  });

  it("creates the flow-control SSM Command document", async () => {
    const name = config.flowControl?.documentName;
    expect(name, "the sandbox stage configures flow control").toBeDefined();
    // ListDocuments, not DescribeDocument: moto 5.2.1 keeps a template's object Content unserialised and
    // answers DescribeDocument for it with an HTML 500 (it hashes the content as a string).
    const documents =
      (await ssm.send(new ListDocumentsCommand({ Filters: [{ Key: "Name", Values: [name ?? ""] }] })))
        .DocumentIdentifiers ?? [];
    expect(documents.map((d) => [d.Name, d.DocumentType, d.DocumentFormat])).toEqual([
      [name, "Command", "JSON"],
    ]);
  });

  it("creates every function's log group with a retention", async () => {
    const groups =
      (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${STACK}-` })))
        .logGroups ?? [];
    const wanted = Object.values(template.Resources)
      .filter((r) => r.Type === "AWS::Logs::LogGroup")
      .map((r) => r.Properties);
    expect(groups.map((g) => g.logGroupName).sort()).toEqual(
      Object.keys(definitions)
        .map((name) => `/aws/lambda/${functionName(name)}`)
        .sort(),
    );
    for (const group of groups) {
      const expected = wanted.find((w) => w.LogGroupName === group.logGroupName)?.RetentionInDays;
      expect(expected, group.logGroupName).toBeGreaterThan(0);
      expect(group.retentionInDays, group.logGroupName).toBe(expected);
    }
  });

  it(
    "deploys again with no change, then removes the stack",
    async () => {
      const again = await runServerless(checkout.dir, ["deploy", "--stage", STAGE], env, RUN_TIMEOUT_MS);
      console.log(`serverless deploy --stage ${STAGE} (no change): exit ${again.status} in ${again.ms} ms`);
      expect(again.status, again.output).toBe(0);
      const after = (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0];
      expect(["CREATE_COMPLETE", "UPDATE_COMPLETE"]).toContain(after?.StackStatus);

      const removed = await runServerless(checkout.dir, ["remove", "--stage", STAGE], env, RUN_TIMEOUT_MS);
      console.log(`serverless remove --stage ${STAGE}: exit ${removed.status} in ${removed.ms} ms`);
      expect(removed.status, removed.output).toBe(0);
      const gone = await cfn.send(new DescribeStacksCommand({ StackName: STACK })).then(
        (r) => r.Stacks?.[0]?.StackStatus ?? "absent",
        (error: Error) => (/does not exist/.test(error.message) ? "absent" : error.message),
      );
      expect(["absent", "DELETE_COMPLETE"]).toContain(gone);
      for (const name of Object.keys(definitions)) {
        await expect(
          lambda.send(new GetFunctionCommand({ FunctionName: functionName(name) })),
          name,
        ).rejects.toThrow();
      }
    },
    2 * RUN_TIMEOUT_MS,
  );
});
