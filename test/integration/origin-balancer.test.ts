import { ListResourceRecordSetsCommand, type Route53Client } from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../functions/origin-balancer/handler";
import { putCloudFrontMetrics, seedWeightedRecords } from "../../sandbox/seed/balancer-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createCloudFrontMetricsClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { scheduledEvent as scheduled } from "../support/events";
import { motoClientOptions, motoOrSkip } from "../support/moto";
import { balancerRuntime, lambdaContext as context, sinkSlackClient } from "../support/runtimes";

const hasMoto = motoOrSkip();

describe.skipIf(!hasMoto)("origin balancer against moto", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let route53: Route53Client;
  let hostedZoneId: string;
  let healthCheckIds: Record<string, string>;
  let route53Calls: string[];
  const logLines: string[] = [];

  const stage = (zone: string, distribution: string, mode = "auto") => `
stage: test
region: eu-west-1
parameterPrefix: /traffic-autopilot/test
slack: { channel: "#traffic", tokenParameter: /traffic-autopilot/test/slack-token }
originBalancer:
  mode: ${mode}
  pools:
    - name: images
      record: { hostedZoneId: ${zone}, name: origin.example.com, type: CNAME }
      distributions: [${distribution}]
      origins:
        - { setIdentifier: primary, capacity: 9000 }
        - { setIdentifier: elastic }
`;

  function handlerFor(configText: string, now: Date) {
    const runtime = balancerRuntime({
      stage: configText,
      ssm: motoClientOptions(moto.url),
      slack: sinkSlackClient(slack),
      write: (line) => logLines.push(line),
      aws: motoClientOptions(moto.url),
      now: () => now,
      deadlineMs: 30_000,
      pollIntervalMs: 50,
    });
    return createHandler(async () => runtime);
  }

  async function records() {
    const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId }));
    return (out.ResourceRecordSets ?? []).filter((r) => r.SetIdentifier !== undefined);
  }

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    route53 = createRoute53Client(motoClientOptions(moto.url));
    route53Calls = [];
    route53.middlewareStack.add(
      (next, ctx) => async (args) => {
        route53Calls.push(ctx.commandName ?? "?");
        return next(args);
      },
      { step: "initialize" },
    );
    ({ hostedZoneId, healthCheckIds } = await seedWeightedRecords(
      route53,
      "example.com",
      "origin.example.com",
      [
        {
          setIdentifier: "primary",
          weight: 254,
          value: "primary.origin.example.net",
          ttl: 60,
          withHealthCheck: true,
        },
        { setIdentifier: "elastic", weight: 1, value: "elastic.origin.example.net", ttl: 300 },
      ],
    ));
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const minutesAgo = (k: number) => new Date(now.getTime() - k * 60_000);

  it("moves load to the elastic origin in the first run that sees a spike, keeping TTL, values and health check", async () => {
    const cloudwatch = createCloudFrontMetricsClient(motoClientOptions(moto.url));
    // 200,000 requests x (100 - 90 - 0.5)% = 19,000 origin requests/min against a 9,000 capacity.
    await putCloudFrontMetrics(
      cloudwatch,
      "E2SPIKE0001",
      Array.from({ length: 14 }, (_, i) => ({
        minute: minutesAgo(i + 1),
        requests: 200_000,
        cacheHitRate: 90,
        totalErrorRate: 0.5,
      })),
    );
    const decisions = await handlerFor(stage(hostedZoneId, "E2SPIKE0001"), now)(scheduled, context);
    expect(decisions).toHaveLength(1);
    const [decision] = decisions;
    expect(decision?.outcome).toBe("applied");
    expect(decision?.rule).toBe("offload");
    expect(decision?.change?.status).toBe("INSYNC");

    const after = await records();
    const primary = after.find((r) => r.SetIdentifier === "primary");
    const elastic = after.find((r) => r.SetIdentifier === "elastic");
    expect(primary?.Weight).toBe(decision?.after.weights.primary);
    expect(elastic?.Weight).toBe(decision?.after.weights.elastic);
    expect((primary?.Weight ?? 0) + (elastic?.Weight ?? 0)).toBe(255);
    expect(primary?.Weight).toBeLessThan(130);
    expect(primary?.TTL).toBe(60);
    expect(elastic?.TTL).toBe(300);
    expect(primary?.ResourceRecords).toEqual([{ Value: "primary.origin.example.net" }]);
    expect(primary?.HealthCheckId).toBe(healthCheckIds.primary);
    expect(elastic?.HealthCheckId).toBeUndefined();

    const posts = slack.calls.filter((c) => c.method === "chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.body.text)).toContain("moved load off");
    expect(logLines.some((l) => l.includes('"CloudWatchMetrics"'))).toBe(true);
    expect(logLines.join("\n")).not.toContain("xoxb-test-token");
  });

  it("leaves DNS and Slack alone when the next run finds nothing to change", async () => {
    const before = await records();
    const posts = slack.calls.length;
    const [decision] = await handlerFor(stage(hostedZoneId, "E2SPIKE0001"), new Date(now.getTime() + 60_000))(
      scheduled,
      context,
    );
    expect(decision?.outcome).toBe("unchanged");
    expect(await records()).toEqual(before);
    expect(slack.calls.length).toBe(posts);
  });

  it("holds on missing metrics, says so once per episode, and never reads the gap as zero load", async () => {
    const handler = handlerFor(stage(hostedZoneId, "E2NODATA001"), now);
    const before = await records();
    const posts = slack.calls.length;
    const [first] = await handler(scheduled, context);
    expect(first?.rule).toBe("no-data");
    expect(first?.outcome).toBe("held");
    expect(slack.calls.length).toBe(posts + 1);
    const [second] = await handlerFor(stage(hostedZoneId, "E2NODATA001"), new Date(now.getTime() + 60_000))(
      scheduled,
      context,
    );
    expect(second?.rule).toBe("no-data");
    expect(slack.calls.length).toBe(posts + 1);
    expect(await records()).toEqual(before);
  });

  it("rejects a malformed schedule payload before any Route 53 call", async () => {
    const calls = route53Calls.length;
    const handler = handlerFor(stage(hostedZoneId, "E2SPIKE0001"), now);
    // Returned, not thrown: an EventBridge event that can never be processed must not be retried.
    await expect(handler({ ...scheduled, "detail-type": "Object Created" }, context)).resolves.toMatchObject({
      rejected: true,
      error: { message: expect.stringMatching(/not an EventBridge Scheduled Event: detail-type/) },
    });
    await expect(handler("rate(1 minute)", context)).rejects.toThrow(
      /InvalidEventError|not an EventBridge Scheduled Event/,
    );
    expect(route53Calls.length).toBe(calls);
  });

  it("records what it would do in dry-run mode and changes nothing", async () => {
    const cloudwatch = createCloudFrontMetricsClient(motoClientOptions(moto.url));
    await putCloudFrontMetrics(
      cloudwatch,
      "E2HUGE00001",
      Array.from({ length: 14 }, (_, i) => ({
        minute: minutesAgo(i - 9),
        requests: 900_000,
        cacheHitRate: 90,
        totalErrorRate: 0,
      })),
    );
    const before = await records();
    // Ten minutes later: past the cooldown of the first test's change, with a far bigger spike.
    const [decision] = await handlerFor(stage(hostedZoneId, "E2HUGE00001", "dry-run"), minutesAgo(-10))(
      scheduled,
      context,
    );
    expect(decision?.outcome).toBe("dry-run");
    expect(decision?.after.weights).toEqual(decision?.before.weights);
    expect(await records()).toEqual(before);
  });
});
