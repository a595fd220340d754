import { readFileSync } from "node:fs";
import path from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import type { OriginBalancerRuntime } from "../../functions/origin-balancer/deps";
import { createHandler as createBalancerHandler } from "../../functions/origin-balancer/handler";
import type { OverrideRuntime } from "../../functions/override/deps";
import { createHandler as createOverrideHandler } from "../../functions/override/handler";
import { putCloudFrontMetrics, seedWeightedRecords } from "../../sandbox/seed/balancer-world";
import type { MotoServer } from "../../sandbox/servers/moto-server";
import type { SlackSink } from "../../sandbox/servers/slack-sink";
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
import { createSlackClient } from "../../shared/bootstrap";
import { parseStageConfig } from "../../shared/config/stage-config";
import type { BalancerDecision } from "../../shared/domain/balancer/balancer-decision";
import type { AutomationInvoker } from "../../shared/ports/automation-invoker";
import { createLogger } from "../../shared/runtime/logger";
import type { OverrideResponse } from "../../shared/workflows/override/apply-override";
import { motoClientOptions } from "./moto";

export const PREFIX = "/traffic-autopilot/test";
const MINUTE = 60_000;
const scheduled = JSON.parse(
  readFileSync(path.resolve(__dirname, "../fixtures/events/eventbridge/scheduled-event.json"), "utf8"),
);

/** One pool "images" (primary 9,000/min, elastic) on origin.example.com, in the given mode. */
export const balancerStage = (zone: string, mode = "auto") => `
stage: test
region: eu-west-1
parameterPrefix: ${PREFIX}
slack: { channel: "#traffic", tokenParameter: ${PREFIX}/slack-token }
overrides: { maxHours: 24 }
originBalancer:
  mode: ${mode}
  planExpiryMinutes: 20
  pools:
    - name: images
      record: { hostedZoneId: ${zone}, name: origin.example.com, type: CNAME }
      distributions: [E2SPIKE0001]
      origins:
        - { setIdentifier: primary, capacity: 9000 }
        - { setIdentifier: elastic }
`;

/** An operator's invoke, as the CLI sends it: the caller identity rides in the client context. */
export const operatorContext = (invoker: string, requestId: string) =>
  ({
    awsRequestId: requestId,
    clientContext: { custom: { invoker } },
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

/**
 * Moto seeded with the "images" pool at {primary 254, elastic 1} and a sale spike (19,000 origin
 * requests/min against 9,000) for an hour starting 14 minutes before `t0`; handlers for the balancer and
 * the override function at any clock.
 */
export async function startBalancerWorld(moto: MotoServer, slack: SlackSink, t0: Date, mode = "auto") {
  const options = motoClientOptions(moto.url);
  const route53: Route53Client = createRoute53Client(options);
  const ssm: SSMClient = createSsmClient(options);
  const { hostedZoneId: zone } = await seedWeightedRecords(route53, "example.com", "origin.example.com", [
    { setIdentifier: "primary", weight: 254, value: "primary.origin.example.net", ttl: 60 },
    { setIdentifier: "elastic", weight: 1, value: "elastic.origin.example.net", ttl: 60 },
  ]);
  await putCloudFrontMetrics(
    // moto cannot read the gzipped bodies the SDK sends for larger PutMetricData calls.
    new CloudWatchClient({ ...options, region: "us-east-1", disableRequestCompression: true }),
    "E2SPIKE0001",
    Array.from({ length: 60 }, (_, i) => ({
      minute: new Date(t0.getTime() + (i - 14) * MINUTE),
      requests: 200_000,
      cacheHitRate: 90,
      totalErrorRate: 0.5,
    })),
  );
  const config = parseStageConfig(balancerStage(zone, mode), "test.yml");
  const logger = createLogger({ write: () => undefined });
  const notifier = createSlackNotifier(
    createSlackClient("xoxb-test", 2_000, slack.apiUrl),
    "#traffic",
    logger,
  );
  const state = createSsmStateStore(ssm, PREFIX);
  const overrides = createSsmOverrideStore(ssm, PREFIX, state);
  const base = {
    env: { stage: "test", configFile: "test.yml", logLevel: "info" as const },
    config,
    logger,
    ssm,
    notifier,
  };
  const deadline = () => new Date(Date.now() + 30_000);
  const metrics = createCloudWatchCdnMetrics(createCloudFrontMetricsClient(options));
  const noDelegate: AutomationInvoker = { invoke: () => Promise.reject(new Error("no delegate here")) };

  return {
    zone,
    route53,
    ssm,
    balance: async (now: Date): Promise<BalancerDecision[]> => {
      const runtime: OriginBalancerRuntime = {
        config: config.originBalancer as NonNullable<typeof config.originBalancer>,
        base,
        deps: () => ({
          metrics,
          records: createRoute53WeightedRecords(route53, { deadline, pollIntervalMs: 50 }),
          state,
          overrides,
          notifier,
          logger,
          now: () => now,
          deadline,
        }),
      };
      const handler = createBalancerHandler(async () => runtime);
      return (await handler(scheduled, {
        getRemainingTimeInMillis: () => 60_000,
      } as Context)) as BalancerDecision[];
    },
    override: (now: Date, payload: unknown, author = "alice"): Promise<OverrideResponse> => {
      const runtime: OverrideRuntime = {
        config,
        base,
        deps: () => ({ overrides, state, invoker: noDelegate, notifier, logger, now: () => now }),
      };
      const context = operatorContext(`arn:aws:iam::123456789012:user/${author}`, `req-${author}`);
      return createOverrideHandler(async () => runtime)(payload, context) as Promise<OverrideResponse>;
    },
    weights: async () => {
      const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone }));
      return Object.fromEntries(
        (out.ResourceRecordSets ?? []).filter((r) => r.SetIdentifier).map((r) => [r.SetIdentifier, r.Weight]),
      ) as Record<string, number>;
    },
    /** An operator editing Route 53 by hand (the world changing under a plan). */
    setWeights: async (weights: Record<string, number>) => {
      await route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zone,
          ChangeBatch: {
            Changes: Object.entries(weights).map(([id, weight]) => ({
              Action: "UPSERT",
              ResourceRecordSet: {
                Name: "origin.example.com",
                Type: "CNAME",
                SetIdentifier: id,
                Weight: weight,
                TTL: 60,
                ResourceRecords: [{ Value: `${id}.origin.example.net` }],
              },
            })),
          },
        }),
      );
    },
  };
}
