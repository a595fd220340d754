import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { SNSClient } from "@aws-sdk/client-sns";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { WebClient } from "@slack/web-api";
import { functionDefinitions } from "../../infra/serverless/functions";
import type { StageConfig } from "../../shared/config/stage-config";
import { checkCanaryRule, checkPair } from "../../shared/doctor/domain/alb-checks";
import {
  checkDistributionMetrics,
  checkFleetAlarms,
  checkPoolRecords,
  checkSubscription,
} from "../../shared/doctor/domain/aws-checks";
import { checkDocument, checkFleet } from "../../shared/doctor/domain/fleet-checks";
import {
  checkFunction,
  checkSlackChannel,
  checkSlackToken,
  type SlackObservation,
} from "../../shared/doctor/domain/stack-checks";
import { type CheckResult, isReadError } from "../../shared/doctor/domain/types";
import { attempt } from "./read-error";
import * as net from "./read-network";
import * as stack from "./read-stack";

export interface DoctorClients {
  route53: Route53Client;
  /** CloudFront metrics live in us-east-1 whatever the stage's region. */
  cloudfrontMetrics: CloudWatchClient;
  cloudwatch: CloudWatchClient;
  sns: SNSClient;
  ec2: EC2Client;
  ssm: SSMClient;
  elbv2: ElasticLoadBalancingV2Client;
  lambda: LambdaClient;
  /** Builds the Slack client once the token is read (the token never leaves this process). */
  slack: (token: string) => WebClient;
}

/** Minutes of CloudFront Requests looked at: the balancer's own window is shorter. */
const METRICS_WINDOW_MINUTES = 30;
/** The stack's runtime (serverless.yml provider.runtime). */
const RUNTIME = "nodejs22.x";

const functionName = (config: StageConfig, name: string) => `traffic-autopilot-${config.stage}-${name}`;

/** Every check of the stage's configured automations, in a stable order. Reads only. */
export async function runDoctor(
  config: StageConfig,
  clients: DoctorClients,
  now: Date,
): Promise<CheckResult[]> {
  const groups = await Promise.all([
    balancerChecks(config, clients, now),
    flowControlChecks(config, clients),
    certChecks(config, clients),
    canaryChecks(config, clients),
    slackChecks(config, clients),
    functionChecks(config, clients),
  ]);
  return groups.flat();
}

async function balancerChecks(config: StageConfig, c: DoctorClients, now: Date): Promise<CheckResult[]> {
  const pools = config.originBalancer?.pools ?? [];
  const results: CheckResult[] = [];
  for (const pool of pools) {
    const zone = await attempt(() => net.hostedZone(c.route53, pool.record.hostedZoneId));
    const records =
      zone === null || isReadError(zone)
        ? []
        : await attempt(async () =>
            (
              await net.recordSets(c.route53, pool.record.hostedZoneId, pool.record.name, [pool.record.type])
            ).map((r) => ({
              ...(r.SetIdentifier !== undefined ? { setIdentifier: r.SetIdentifier } : {}),
              ...(r.Weight !== undefined ? { weight: r.Weight } : {}),
            })),
          );
    results.push(
      checkPoolRecords({
        pool: pool.name,
        zoneId: pool.record.hostedZoneId,
        recordName: pool.record.name,
        recordType: pool.record.type,
        wantedSetIdentifiers: pool.origins.map((o) => o.setIdentifier),
        zone,
        records,
      }),
    );
  }
  const distributions = [...new Set(pools.flatMap((p) => p.distributions))];
  const counts = await attempt(() =>
    net.requestDatapoints(c.cloudfrontMetrics, distributions, METRICS_WINDOW_MINUTES, now),
  );
  for (const pool of pools) {
    for (const distributionId of pool.distributions) {
      results.push(
        checkDistributionMetrics({
          pool: pool.name,
          distributionId,
          windowMinutes: METRICS_WINDOW_MINUTES,
          datapoints: isReadError(counts) ? counts : (counts[distributionId] ?? 0),
        }),
      );
    }
  }
  return results;
}

async function flowControlChecks(config: StageConfig, c: DoctorClients): Promise<CheckResult[]> {
  const flow = config.flowControl;
  if (flow === undefined) return [];
  const results: CheckResult[] = [];
  for (const fleet of flow.fleets) {
    const wanted = fleet.alarms.map((a) => a.alarmName);
    results.push(
      checkFleetAlarms({
        fleet: fleet.name,
        configuredTopics: flow.alarmTopicArns,
        wantedAlarms: wanted,
        alarms: await attempt(() => net.alarms(c.cloudwatch, wanted)),
      }),
    );
  }
  for (const topicArn of flow.alarmTopicArns) {
    results.push(
      checkSubscription({
        check: "flow.subscription",
        functionName: functionName(config, "flow-control"),
        topicArn,
        endpoints: await attempt(() => net.lambdaSubscribers(c.sns, topicArn)),
      }),
    );
  }
  for (const fleet of flow.fleets) {
    const instanceIds = await attempt(() => net.runningInstances(c.ec2, fleet.tag));
    const agents =
      isReadError(instanceIds) || instanceIds.length === 0
        ? {}
        : await attempt(() => net.agentStatus(c.ssm, instanceIds));
    results.push(checkFleet({ fleet: fleet.name, tag: fleet.tag, instanceIds, agents }));
  }
  results.push(
    checkDocument({
      documentName: flow.documentName,
      document: await attempt(() => net.commandDocument(c.ssm, flow.documentName)),
    }),
  );
  return results;
}

async function certChecks(config: StageConfig, c: DoctorClients): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const pair of config.certRotation?.pairs ?? []) {
    const balancers = await attempt(() =>
      stack.pairBalancers(c.elbv2, pair.pairTag, pair.colorTagKey, pair.listenerPort),
    );
    const dnsTargets = await attempt(async () =>
      (
        await net.recordSets(c.route53, pair.record.hostedZoneId, pair.record.name, pair.record.types)
      ).flatMap((r) =>
        r.AliasTarget?.DNSName
          ? [r.AliasTarget.DNSName]
          : (r.ResourceRecords ?? []).map((v) => v.Value ?? ""),
      ),
    );
    results.push(
      checkPair({
        pair: pair.name,
        tag: pair.pairTag,
        colorTagKey: pair.colorTagKey,
        listenerPort: pair.listenerPort,
        recordName: pair.record.name,
        balancers,
        dnsTargets,
      }),
    );
  }
  return results;
}

async function canaryChecks(config: StageConfig, c: DoctorClients): Promise<CheckResult[]> {
  const section = config.canary;
  if (section === undefined) return [];
  const results: CheckResult[] = [];
  for (const canary of section.canaries) {
    const ref = {
      ...(canary.listenerRuleArn ? { listenerRuleArn: canary.listenerRuleArn } : {}),
      ...(canary.listenerArn ? { listenerArn: canary.listenerArn } : {}),
    };
    results.push(
      checkCanaryRule({
        canary: canary.name,
        ref: canary.listenerRuleArn ?? canary.listenerArn ?? "(no rule)",
        stableTargetGroupArn: canary.stableTargetGroupArn,
        canaryTargetGroupArn: canary.canaryTargetGroupArn,
        forwardsTo: await attempt(() => stack.forwardTargetGroups(c.elbv2, ref)),
      }),
    );
  }
  // Gate alarm notifications are optional (the schedule evaluates the gates too).
  const topicArn = section.alarmTopicArn;
  if (topicArn !== undefined) {
    results.push(
      checkSubscription({
        check: "canary.subscription",
        functionName: functionName(config, "canary"),
        topicArn,
        endpoints: await attempt(() => net.lambdaSubscribers(c.sns, topicArn)),
      }),
    );
  }
  return results;
}

async function slackChecks(config: StageConfig, c: DoctorClients): Promise<CheckResult[]> {
  const token = await attempt(async () => {
    const out = await c.ssm.send(
      new GetParameterCommand({ Name: config.slack.tokenParameter, WithDecryption: true }),
    );
    return out.Parameter?.Value ?? "";
  });
  const observation: SlackObservation = {
    channel: config.slack.channel,
    tokenParameter: config.slack.tokenParameter,
    auth: isReadError(token) ? token : { error: "the parameter is empty" },
  };
  if (!isReadError(token) && token !== "") {
    const slack = c.slack(token);
    observation.auth = await attempt(() => stack.slackAuth(slack));
    if (!isReadError(observation.auth)) {
      observation.membership = await attempt(() => stack.slackMembership(slack, config.slack.channel));
    }
  }
  return [checkSlackToken(observation), checkSlackChannel(observation)];
}

async function functionChecks(config: StageConfig, c: DoctorClients): Promise<CheckResult[]> {
  const definitions = functionDefinitions(config);
  const results: CheckResult[] = [];
  for (const [name, definition] of Object.entries(definitions)) {
    const fn = functionName(config, name);
    results.push(
      checkFunction({
        functionName: fn,
        expected: {
          runtime: RUNTIME,
          // As the stack sets it: 1 for the automations (a single writer), none for the watchdog.
          ...(definition.reservedConcurrency !== undefined
            ? { reservedConcurrency: Number(definition.reservedConcurrency) }
            : {}),
          stage: config.stage,
        },
        actual: await attempt(() => stack.deployedFunction(c.lambda, fn)),
      }),
    );
  }
  return results;
}
