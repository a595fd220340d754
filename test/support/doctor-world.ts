import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ACMClient } from "@aws-sdk/client-acm";
import { CloudFormationClient, CreateStackCommand } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateDocumentCommand, SSMClient } from "@aws-sdk/client-ssm";
import { doctorClients } from "../../cli/doctor/clients";
import type { DoctorClients } from "../../cli/doctor/run-doctor";
import { functionDefinitions } from "../../infra/serverless/functions";
import { seedFromConfig } from "../../sandbox/gameday/world-seed";
import type { Seeded, WorldClients } from "../../sandbox/gameday/world-types";
import { type RunCommandStandIn, startRunCommandStandIn } from "../../sandbox/run-command/server";
import { putCloudFrontMetrics } from "../../sandbox/seed/balancer-world";
import { launchInstances } from "../../sandbox/seed/fleet-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import type { StageConfig } from "../../shared/config/stage-config";
import { motoClientOptions } from "./moto";

const root = path.resolve(__dirname, "../..");

/**
 * The sandbox world as a team would have it after `serverless deploy`: config/sandbox.yml's AWS side
 * seeded in moto the way the game day seeds it, recent CloudFront Requests, the tagged fleet with online
 * SSM agents (the Run Command stand-in answers DescribeInstanceInformation; moto does not), the stack's
 * SSM document, functions and topic subscriptions, and the Slack sink with the bot in the channel.
 */
export interface DoctorWorld {
  moto: MotoServer;
  slack: SlackSink;
  standIn: RunCommandStandIn;
  config: StageConfig;
  /** The stage file with the ids moto assigned, as the sandbox writes it for its session. */
  configText: string;
  seeded: Seeded;
  world: WorldClients;
  instanceIds: string[];
  /** doctor's clients: every AWS call through the stand-in (it forwards all but Run Command to moto). */
  clients: DoctorClients;
  aws: ReturnType<typeof motoClientOptions>;
  stop(): Promise<void>;
}

export async function startDoctorWorld(): Promise<DoctorWorld> {
  const [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
  const workdir = mkdtempSync(path.join(tmpdir(), "doctor-world-"));
  let standIn: RunCommandStandIn | undefined;
  const stop = async () => {
    await standIn?.stop();
    await Promise.all([moto.stop(), slack.stop()]);
    rmSync(workdir, { recursive: true, force: true });
  };
  try {
    const aws = motoClientOptions(moto.url);
    // Seeding waits for moto as long as it takes: each backend loads on its first call, which on a busy
    // machine outlasts the functions' 5 s request timeout (doctor's own clients keep theirs).
    const patient = { ...aws, requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 } };
    const world: WorldClients = {
      route53: new Route53Client({ ...patient, region: "us-east-1" }),
      elbv2: new ElasticLoadBalancingV2Client(patient),
      acm: new ACMClient(patient),
      ec2: new EC2Client(patient),
      ssm: new SSMClient(patient),
      cloudwatch: new CloudWatchClient(patient),
    };
    const source = readFileSync(path.join(root, "config/sandbox.yml"), "utf8");
    const { seeded, config, configText } = await seedFromConfig(world, moto.url, source, "sandbox.yml");

    const now = Date.now();
    const cdn = new CloudWatchClient({ ...patient, region: "us-east-1" });
    for (const pool of config.originBalancer?.pools ?? []) {
      for (const distribution of pool.distributions) {
        const minutes = Array.from({ length: 10 }, (_, i) => ({
          minute: new Date(now - (10 - i) * 60_000),
          requests: 5_000,
          cacheHitRate: 80,
          totalErrorRate: 1,
        }));
        await putCloudFrontMetrics(cdn, distribution, minutes);
      }
    }

    const flow = config.flowControl;
    const fleet = flow?.fleets[0];
    if (flow === undefined || fleet === undefined)
      throw new Error("config/sandbox.yml has no flow-control fleet");
    // moto builds EC2 on its first call: a read pays for it, so a retried RunInstances cannot launch twice.
    await world.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    const instanceIds = await launchInstances(world.ec2, 3, { [fleet.tag.key]: fleet.tag.value });
    const documentText = readFileSync(path.join(root, "infra/ssm-documents/flow-control.yml"), "utf8");
    await world.ssm.send(
      new CreateDocumentCommand({
        Name: flow.documentName,
        Content: documentText,
        DocumentFormat: "YAML",
        DocumentType: "Command",
      }),
    );
    standIn = await startRunCommandStandIn({
      motoUrl: moto.url,
      instances: instanceIds.map((instanceId) => ({
        instanceId,
        tags: { [fleet.tag.key]: fleet.tag.value },
        cwd: workdir,
        env: {},
        online: true,
      })),
      documents: { [flow.documentName]: documentText },
    });

    await deployFunctions(aws, config);
    slack.setChannel(config.slack.channel, true);
    const clients = doctorClients({ ...aws, endpoint: standIn.url }, slack.apiUrl);
    return { moto, slack, standIn, config, configText, seeded, world, instanceIds, clients, aws, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What `serverless deploy` leaves that doctor reads: the functions and their topic subscriptions. */
async function deployFunctions(
  aws: ReturnType<typeof motoClientOptions>,
  config: StageConfig,
): Promise<void> {
  const definitions = functionDefinitions(config);
  const resources: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const id = name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
    resources[`${id}Role`] = {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        },
      },
    };
    resources[`${id}Function`] = {
      Type: "AWS::Lambda::Function",
      Properties: {
        FunctionName: `traffic-autopilot-${config.stage}-${name}`,
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        Role: { "Fn::GetAtt": [`${id}Role`, "Arn"] },
        Code: { ZipFile: "exports.handler = async () => ({});" },
        ReservedConcurrentExecutions: definition.reservedConcurrency,
        Environment: { Variables: { STAGE: config.stage } },
      },
    };
  }
  const cfn = new CloudFormationClient(aws);
  const sns = new SNSClient(aws);
  try {
    await cfn.send(
      new CreateStackCommand({
        StackName: `traffic-autopilot-${config.stage}`,
        TemplateBody: JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources }),
        Capabilities: ["CAPABILITY_IAM"],
      }),
    );
    for (const [name, definition] of Object.entries(definitions)) {
      for (const event of (definition.events ?? []) as { sns?: { arn: unknown } }[]) {
        // Only the account's alarm topics: the watchdog's topic is the stack's own ({ Ref }), not checked.
        if (typeof event.sns?.arn !== "string") continue;
        const account = event.sns.arn.split(":")[4];
        await sns.send(
          new SubscribeCommand({
            TopicArn: event.sns.arn,
            Protocol: "lambda",
            Endpoint: `arn:aws:lambda:${config.region}:${account}:function:traffic-autopilot-${config.stage}-${name}`,
          }),
        );
      }
    }
  } finally {
    cfn.destroy();
    sns.destroy();
  }
}
