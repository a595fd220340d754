import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../../functions/origin-balancer/handler";
import { putCloudFrontMetrics, seedWeightedRecords } from "../../../sandbox/seed/balancer-world";
import { createCloudFrontMetricsClient } from "../../../shared/adapters/aws/clients/cloudwatch";
import { createRoute53Client } from "../../../shared/adapters/aws/clients/route53";
import { createSsmStateStore } from "../../../shared/adapters/aws/ssm-state-store";
import { motoOrSkip } from "../../support/moto";
import { snapshotDifferences, snapshotMoto } from "../../support/moto-state";
import { balancerRuntime, handlerFor } from "../../support/runtimes";
import { hostileScheduleEvents } from "./eventbridge-cases";
import {
  capturingStdout,
  expectWorldUnchanged,
  type FuzzServers,
  fixture,
  PREFIX,
  startFuzzServers,
  takeBefore,
  type WorldBefore,
} from "./fuzz-world";
import { assertHarmless, expectPrototypesClean, RUNS, Tally } from "./verdict";

const hasMoto = motoOrSkip();
// Weighted records (Route 53), state and overrides (SSM); the metrics (CloudWatch) are only read.
const SERVICES = ["route53", "ssm", "cloudwatch"];

describe.skipIf(!hasMoto)("origin balancer on hostile schedule events, against a seeded moto", () => {
  let servers: FuzzServers;
  let before: WorldBefore;
  let handler: (event: unknown) => Promise<unknown>;
  const tally = new Tally();
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);

  beforeAll(async () => {
    servers = await startFuzzServers();
    const route53 = createRoute53Client(servers.options);
    const cloudwatch = createCloudFrontMetricsClient(servers.options);
    // The integration test's spike: 200,000 requests x (100 - 90 - 0.5)% = 19,000 origin requests/min
    // against a 9,000 capacity. A schedule event the handler accepted WOULD move the weights.
    const { hostedZoneId } = await seedWeightedRecords(route53, "example.com", "origin.example.com", [
      {
        setIdentifier: "primary",
        weight: 254,
        value: "primary.origin.example.net",
        ttl: 60,
        withHealthCheck: true,
      },
      { setIdentifier: "elastic", weight: 1, value: "elastic.origin.example.net", ttl: 300 },
    ]);
    await putCloudFrontMetrics(
      cloudwatch,
      "E2FUZZ00001",
      Array.from({ length: 14 }, (_, i) => ({
        minute: new Date(now.getTime() - (i + 1) * 60_000),
        requests: 200_000,
        cacheHitRate: 90,
        totalErrorRate: 0.5,
      })),
    );
    const base = servers.base(`
stage: test
region: eu-west-1
parameterPrefix: ${PREFIX}
slack: { channel: "#traffic", tokenParameter: ${PREFIX}/slack-token }
originBalancer:
  mode: auto
  pools:
    - name: images
      record: { hostedZoneId: ${hostedZoneId}, name: origin.example.com, type: CNAME }
      distributions: [E2FUZZ00001]
      origins:
        - { setIdentifier: primary, capacity: 9000 }
        - { setIdentifier: elastic }
`);
    const runtime = balancerRuntime({
      base,
      aws: servers.options,
      now: () => now,
      deadlineMs: 30_000,
      pollIntervalMs: 50,
    });
    handler = handlerFor(createHandler, runtime);
    const state = createSsmStateStore(base.ssm, PREFIX);
    // SSM must exist in moto's dump before the snapshot: reading the (absent) state initialises it.
    await state.load("origin-balancer/never-written");
    before = await takeBefore(servers, SERVICES);
  });

  afterAll(async () => {
    await servers?.stop();
  });

  const scheduled = fixture("eventbridge/scheduled-event.json");

  it(`rejects ${RUNS} mutated schedule events and random JSON, and moto stays byte-for-byte the same`, async () => {
    const stdout = await capturingStdout(() =>
      assertHarmless(hostileScheduleEvents(scheduled), handler, { tally }),
    );
    console.info(`origin-balancer schedule: ${tally.total()} inputs: ${tally}`);
    expect(tally.total()).toBeGreaterThanOrEqual(RUNS);
    await expectWorldUnchanged(servers, SERVICES, before, tally, stdout);
    expectPrototypesClean();
  });

  it("is armed: the unmutated schedule event does move the weights and change moto", async () => {
    const decisions = (await handler(scheduled)) as { rule: string; outcome: string }[];
    expect(decisions.map((d) => [d.rule, d.outcome])).toEqual([["offload", "applied"]]);
    const changed = snapshotDifferences(before.snapshot, await snapshotMoto(servers.moto.url, SERVICES));
    expect(changed.map((d) => d.split(" ")[0])).toContain("route53.RecordSet");
  });
});
