import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { createHandler } from "../../functions/origin-balancer/handler";
import { putCloudFrontMetrics, seedWeightedRecords } from "../../sandbox/seed/balancer-world";
import { createCloudFrontMetricsClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { parameterKeys } from "../../shared/kernel/domain/parameter-layout";
import type { BalancerDecision } from "../../shared/origin-balancer/domain/balancer-decision";
import { scheduledEvent } from "./events";
import type { FaultWorld } from "./fault-setup";
import { balancerRuntime, handlerFor } from "./runtimes";

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
    // The pool is alone in its hosted zone: the zone's state document is the pool's.
    const name = `/traffic-autopilot/test/${parameterKeys.balancerZoneState(hostedZoneId)}`;
    return (await ssm.send(new GetParameterCommand({ Name: name })).catch(() => undefined))?.Parameter
      ?.Version;
  };
  /** The real handler, every AWS and Slack call through the proxies; `budgetMs` is the deadline. */
  const run = async (budgetMs = 30_000): Promise<BalancerDecision> => {
    const runtime = balancerRuntime({
      stage,
      ssm: world.viaProxy(),
      slack: world.slackClient(),
      aws: world.viaProxy(),
      now: () => now,
      deadlineMs: budgetMs,
      pollIntervalMs: 50,
    });
    const [decision] = await handlerFor(createHandler, runtime)(scheduledEvent);
    if (decision === undefined) throw new Error("no decision");
    return decision;
  };
  return { run, weights, stateVersion };
}
