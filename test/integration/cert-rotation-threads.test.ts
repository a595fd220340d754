import { readFileSync } from "node:fs";
import path from "node:path";
import type { ACMClient } from "@aws-sdk/client-acm";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../functions/cert-rotation/handler";
import { importCertificate, seedCertPair } from "../../sandbox/seed/cert-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createAcmClient } from "../../shared/adapters/aws/clients/acm";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import {
  approvePlan,
  type PendingRotationPlan,
} from "../../shared/cert-rotation/domain/pending-rotation-plan";
import type { IncidentThread } from "../../shared/kernel/domain/incident";
import { parameterKeys } from "../../shared/kernel/domain/parameter-layout";
import type { LoadBalancers } from "../../shared/ports/load-balancers";
import type { StateStore } from "../../shared/ports/state-store";
import { createTestCertificate } from "../support/certificates";
import { motoClientOptions, motoOrSkip } from "../support/moto";
import { certRotationRuntime, sinkSlackClient } from "../support/runtimes";
import { slackThreads, text } from "../support/slack-threads";

const hasMoto = motoOrSkip();
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../fixtures/events/eventbridge/${name}.json`), "utf8"));
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const DAY = 86_400_000;

describe.skipIf(!hasMoto)("certificate rotations in Slack threads (moto, Slack sink)", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let acm: ACMClient;
  let elbv2: ElasticLoadBalancingV2Client;
  let route53: Route53Client;
  let state: StateStore;
  const start = Date.now();

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    const options = motoClientOptions(moto.url);
    acm = createAcmClient(options);
    elbv2 = createElbv2Client(options);
    route53 = createRoute53Client(options);
    state = createSsmStateStore(createSsmClient(options), "/traffic-autopilot/test");
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  const certificate = (host: string, fromDays: number, toDays: number) =>
    importCertificate(
      acm,
      createTestCertificate({
        commonName: host,
        subjectAlternativeNames: [host, `*.${host}`],
        notBefore: new Date(start + fromDays * DAY),
        notAfter: new Date(start + toDays * DAY),
      }),
    );

  /** A green/blue pair with DNS on green, and a newer certificate ready to rotate to. */
  async function pairWithNewCertificate(id: string) {
    const host = `devices.${id}.example.com`;
    const serving = await certificate(host, -30, 20);
    const idle = await certificate(host, -60, 10);
    const seeded = await seedCertPair(
      { ec2: new EC2Client(motoClientOptions(moto.url)), elbv2, route53 },
      {
        zoneName: `${id}.example.com`,
        recordName: host,
        pairTag: { key: "Pair", value: id },
        balancers: [
          { name: `${id}-a`, color: "green", certificateArn: serving },
          { name: `${id}-b`, color: "blue", certificateArn: idle },
        ],
        dnsOn: `${id}-a`,
      },
    );
    const next = await certificate(host, -1, 90);
    const stage = (extra = "") => `
stage: test
region: eu-west-1
parameterPrefix: /traffic-autopilot/test
slack: { channel: "#certs", tokenParameter: /traffic-autopilot/test/slack-token }
certRotation:
  ${extra}
  pairs:
    - name: ${id}
      pairTag: { key: Pair, value: ${id} }
      record: { hostedZoneId: ${seeded.hostedZoneId}, name: ${host}, types: [A] }
      certificates: { domains: [${host}, "*.${host}"] }
`;
    return { host, next, stage };
  }

  function handlerFor(configText: string, wrap?: (balancers: LoadBalancers) => LoadBalancers) {
    const runtime = certRotationRuntime({
      stage: configText,
      ssm: motoClientOptions(moto.url),
      slack: sinkSlackClient(slack),
      aws: motoClientOptions(moto.url),
      deadlineMs: 30_000,
      pollIntervalMs: 50,
    });
    const deps = runtime.deps;
    // The crash test wraps the real balancers to fail part-way through an apply.
    runtime.deps = (context) => {
      const built = deps(context);
      return wrap ? { ...built, balancers: wrap(built.balancers) } : built;
    };
    return createHandler(async () => runtime);
  }

  const available = (arn: string) => ({ ...fixture("acm-certificate-available"), resources: [arn] });
  const storedThread = (pair: string, rotationId: unknown) =>
    state.load<IncidentThread>(`cert-rotation/threads/${pair}/${String(rotationId)}`);

  it("opens the rotation's thread with its plan, stays quiet while it waits, and closes it when applied", async () => {
    const { next, stage } = await pairWithNewCertificate("t1");
    const config = stage("mode: plan");
    const before = slack.calls.length;

    const [planned] = await handlerFor(config)(available(next), context);
    expect(planned?.outcome).toBe("planned");
    const waiting = slack.calls.length;
    const [repeated] = await handlerFor(config)(fixture("scheduled-event"), context);
    expect(repeated?.outcome).toBe("planned");
    expect(slack.calls.length).toBe(waiting);

    const stored = await state.load<PendingRotationPlan>(parameterKeys.pairPendingPlan("t1"));
    const approved = approvePlan(
      stored?.value as PendingRotationPlan,
      { author: "oncall@example.com", reason: "reviewed" },
      new Date(),
    );
    if (!approved.ok) throw new Error(approved.reason);
    await state.save(parameterKeys.pairPendingPlan("t1"), approved.plan, {
      expectedVersion: stored?.version,
    });
    const [applied] = await handlerFor(config)(fixture("scheduled-event"), context);
    expect(applied?.outcome).toBe("applied");

    const rotationId = applied?.change?.rotationId;
    expect(planned?.change?.rotationId).toBe(rotationId);
    const { roots, replies, updates } = slackThreads(slack.calls, before);
    expect(roots.map(text)).toEqual([
      expect.stringMatching(
        new RegExp(`^Certificate rotation ${rotationId} · pair t1: rotation to .* planned`),
      ),
    ]);
    const root = roots[0]?.ts;
    expect(replies.map((r) => [r.body.thread_ts, text(r)])).toEqual([
      [root, expect.stringMatching(/^t1: rotation to .* planned .*awaiting approval/)],
      [root, expect.stringMatching(/^t1: rotated to certificate/)],
    ]);
    expect(JSON.stringify(replies[1]?.body.attachments)).toContain(next);
    expect(updates.map((u) => [u.body.ts, text(u)])).toEqual([
      [root, expect.stringMatching(/^Resolved — Certificate rotation .* · pair t1: rotated to certificate/)],
    ]);
    expect((await storedThread("t1", rotationId))?.value).toMatchObject({
      ts: root,
      closedAt: expect.any(String),
    });
  });

  it("keeps a crashed rotation and the run that finishes it in one thread", async () => {
    const { next, stage } = await pairWithNewCertificate("t2");
    const crashAfterAttach = (real: LoadBalancers): LoadBalancers => ({
      ...real,
      async setDefaultCertificate(listenerArn, certificateArn) {
        await real.setDefaultCertificate(listenerArn, certificateArn);
        throw new Error("injected crash after step (a)");
      },
    });
    const before = slack.calls.length;
    const [crashed] = await handlerFor(stage(), crashAfterAttach)(available(next), context);
    const [finished] = await handlerFor(stage())(fixture("scheduled-event"), context);
    expect([crashed?.outcome, finished?.rule, finished?.outcome]).toEqual([
      "failed",
      "finish-rotation",
      "applied",
    ]);

    const { roots, replies, updates } = slackThreads(slack.calls, before);
    expect(roots).toHaveLength(1);
    const root = roots[0]?.ts;
    expect(text(roots[0])).toMatch(
      /^Certificate rotation .* · pair t2: rotation FAILED at attach-certificate/,
    );
    expect(roots[0]?.body.attachments).toMatchObject([{ color: "#a30200" }]);
    expect(replies.map((r) => [r.body.thread_ts, text(r)])).toEqual([
      [root, expect.stringContaining("rotation FAILED")],
      [root, expect.stringContaining("finished interrupted rotation")],
    ]);
    expect(updates.map((u) => [u.body.ts, text(u)])).toEqual([
      [root, expect.stringMatching(/^Resolved — .*finished interrupted rotation/)],
    ]);
    expect(updates[0]?.body.attachments).toMatchObject([{ color: "#2eb886" }]);
    expect((await storedThread("t2", finished?.change?.rotationId))?.value.closedAt).toBeDefined();
  });

  it("posts a newer certificate waiting for the minimum interval once, alone, however often it is evaluated", async () => {
    const { host, next, stage } = await pairWithNewCertificate("t3");
    const [rotated] = await handlerFor(stage())(available(next), context);
    expect(rotated?.outcome).toBe("applied");
    const newer = await certificate(host, -1, 120);
    const before = slack.calls.length;
    for (const event of [available(newer), fixture("scheduled-event"), fixture("scheduled-event")]) {
      const [held] = await handlerFor(stage())(event, context);
      expect([held?.rule, held?.outcome]).toEqual(["cooldown", "held"]);
    }
    const { roots, replies, updates } = slackThreads(slack.calls, before);
    expect(roots.map(text)).toEqual([expect.stringMatching(/^t3: .* waits: last rotation .* minimum 24 h/)]);
    expect([replies.length, updates.length]).toEqual([0, 0]);
  });
});
