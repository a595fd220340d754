import { readFileSync } from "node:fs";
import path from "node:path";
import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import type { OriginBalancerRuntime } from "../../functions/origin-balancer/deps";
import { createHandler } from "../../functions/origin-balancer/handler";
import { putCloudFrontMetrics, seedWeightedRecords } from "../../sandbox/seed/balancer-world";
import {
  createCloudFrontMetricsClient,
  createRoute53Client,
  createSsmClient,
} from "../../shared/adapters/aws/clients";
import { createCloudWatchCdnMetrics } from "../../shared/adapters/aws/cloudwatch-cdn-metrics";
import { createRoute53WeightedRecords } from "../../shared/adapters/aws/route53-weighted-records";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import { parseStageConfig } from "../../shared/config/stage-config";
import type { BalancerDecision } from "../../shared/domain/balancer/balancer-decision";
import { createLogger } from "../../shared/runtime/logger";
import type { FaultWorld } from "./fault-setup";

export const scheduledEvent = JSON.parse(
  readFileSync(path.resolve(__dirname, "../fixtures/events/eventbridge/scheduled-event.json"), "utf8"),
);
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;

/** A balancer pool of its own (zone, distribution, state key) with a spike that calls for moving load. */
export async function spikingPool(world: FaultWorld, id: string, now: Date) {
  const distribution = `E2${id
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .padEnd(9, "0")
    .slice(0, 9)}`;
  const route53 = createRoute53Client(world.direct());
  const { hostedZoneId } = await seedWeightedRecords(
    route53,
    `${id}.example.com`,
    `origin.${id}.example.com`,
    [
      { setIdentifier: "primary", weight: 254, value: "primary.origin.example.net", ttl: 60 },
      { setIdentifier: "elastic", weight: 1, value: "elastic.origin.example.net", ttl: 300 },
    ],
  );
  await putCloudFrontMetrics(
    createCloudFrontMetricsClient(world.direct()),
    distribution,
    Array.from({ length: 14 }, (_, i) => ({
      minute: new Date(now.getTime() - (i + 1) * 60_000),
      requests: 200_000,
      cacheHitRate: 90,
      totalErrorRate: 0.5,
    })),
  );
  const stage = `
stage: test
region: eu-west-1
parameterPrefix: /traffic-autopilot/test
slack: { channel: "#traffic", tokenParameter: /traffic-autopilot/test/slack-token }
originBalancer:
  mode: auto
  pools:
    - name: ${id}
      record: { hostedZoneId: ${hostedZoneId}, name: origin.${id}.example.com, type: CNAME }
      distributions: [${distribution}]
      origins:
        - { setIdentifier: primary, capacity: 9000 }
        - { setIdentifier: elastic }
`;
  const weights = async () => {
    const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId }));
    const sets = (out.ResourceRecordSets ?? []).filter((r) => r.SetIdentifier !== undefined);
    return Object.fromEntries(sets.map((r) => [r.SetIdentifier, r.Weight]));
  };
  const stateVersion = async () => {
    const ssm = createSsmClient(world.direct());
    const name = `/traffic-autopilot/test/origin-balancer/${id}/state`;
    return (await ssm.send(new GetParameterCommand({ Name: name })).catch(() => undefined))?.Parameter
      ?.Version;
  };
  /** The real handler, every AWS and Slack call through the proxies; `budgetMs` is the deadline. */
  const run = async (budgetMs = 30_000): Promise<BalancerDecision> => {
    const config = parseStageConfig(stage, "test.yml");
    const balancer = config.originBalancer;
    if (balancer === undefined) throw new Error("no originBalancer section");
    const ssm = createSsmClient(world.viaProxy());
    const logger = createLogger({ write: () => undefined });
    const notifier = createSlackNotifier(world.slackClient(), "#traffic", logger);
    const runtime: OriginBalancerRuntime = {
      config: balancer,
      base: {
        env: { stage: "test", configFile: "test.yml", logLevel: "info" },
        config,
        logger,
        ssm,
        notifier,
      },
      deps: () => {
        const deadline = () => new Date(Date.now() + budgetMs);
        return {
          metrics: createCloudWatchCdnMetrics(createCloudFrontMetricsClient(world.viaProxy())),
          records: createRoute53WeightedRecords(createRoute53Client(world.viaProxy()), {
            deadline,
            pollIntervalMs: 50,
          }),
          state: createSsmStateStore(ssm, config.parameterPrefix),
          overrides: createSsmOverrideStore(
            ssm,
            config.parameterPrefix,
            createSsmStateStore(ssm, config.parameterPrefix),
          ),
          notifier,
          logger,
          now: () => now,
          deadline,
        };
      },
    };
    const [decision] = await createHandler(async () => runtime)(scheduledEvent, context);
    if (decision === undefined) throw new Error("no decision");
    return decision;
  };
  return { run, weights, stateVersion };
}
