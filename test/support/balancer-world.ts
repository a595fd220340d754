import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { createHandler as createBalancerHandler } from "../../functions/origin-balancer/handler";
import { putCloudFrontMetrics, seedWeightedRecords } from "../../sandbox/seed/balancer-world";
import type { MotoServer } from "../../sandbox/servers/moto-server";
import type { SlackSink } from "../../sandbox/servers/slack-sink";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import type { BalancerDecision } from "../../shared/origin-balancer/domain/balancer-decision";
import type { OverrideResponse } from "../../shared/overrides/apply-override";
import { scheduledEvent } from "./events";
import { motoClientOptions } from "./moto";
import { overrideCaller } from "./override-rig";
import { balancerRuntime, lambdaContext, testColdStart } from "./runtimes";

export const PREFIX = "/traffic-autopilot/test";
const MINUTE = 60_000;

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
  const base = testColdStart({
    stage: balancerStage(zone, mode),
    ssm,
    slack: createSlackClient("xoxb-test", 2_000, slack.apiUrl),
  });
  const override = overrideCaller({
    config: base.config,
    ssm,
    slack: createSlackClient("xoxb-test", 2_000, slack.apiUrl),
  });

  return {
    zone,
    route53,
    ssm,
    balance: async (now: Date): Promise<BalancerDecision[]> => {
      const runtime = balancerRuntime({ base, aws: options, now: () => now, pollIntervalMs: 50 });
      return (await createBalancerHandler(async () => runtime)(
        scheduledEvent,
        lambdaContext,
      )) as BalancerDecision[];
    },
    override: (now: Date, payload: Record<string, unknown>, author = "alice"): Promise<OverrideResponse> =>
      override(now, payload, author),
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
