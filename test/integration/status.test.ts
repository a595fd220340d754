import { EC2Client } from "@aws-sdk/client-ec2";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatusRuntime } from "../../functions/status/deps";
import { createHandler } from "../../functions/status/handler";
import { seedWeightedRecords } from "../../sandbox/seed/balancer-world";
import { type CanaryWorld, seedCanaryWorld } from "../../sandbox/seed/canary-world";
import { importCertificate, type SeededPair, seedCertPair } from "../../sandbox/seed/cert-world";
import { launchInstances } from "../../sandbox/seed/fleet-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { createAcmCertificates } from "../../shared/adapters/aws/acm-certificates";
import { createAcmClient } from "../../shared/adapters/aws/clients/acm";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { createEc2FleetInventory } from "../../shared/adapters/aws/ec2-fleet-inventory";
import { createElbv2ListenerRules } from "../../shared/adapters/aws/elbv2-listener-rules";
import { createElbv2LoadBalancers } from "../../shared/adapters/aws/elbv2-load-balancers";
import { createRoute53AliasPointer } from "../../shared/adapters/aws/route53-alias-pointer";
import { createRoute53WeightedRecords } from "../../shared/adapters/aws/route53-weighted-records";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { parseStageConfig } from "../../shared/config/stage-config";
import type { StoredOverride } from "../../shared/kernel/domain/override-types";
import type { StateStore } from "../../shared/ports/state-store";
import { createLogger } from "../../shared/runtime/logger";
import type { StatusDocument } from "../../shared/status/domain/types";
import { createTestCertificate } from "../support/certificates";
import { motoClientOptions, motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const NOW = new Date();
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
const DAY = 86_400_000;
const PREFIX = "/traffic-autopilot/test";

describe.skipIf(!hasMoto)("status function against moto", () => {
  let moto: MotoServer;
  let handler: (event: unknown) => Promise<StatusDocument>;
  let state: StateStore;
  let pair: SeededPair;
  let canary: CanaryWorld;
  let instances: string[];
  let servingCert: string;
  /** Every AWS call the status function made, by command name. */
  const calls: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    const options = motoClientOptions(moto.url);
    const [route53, elbv2, ec2, acm, ssm] = [
      createRoute53Client(options),
      createElbv2Client(options),
      new EC2Client(options),
      createAcmClient(options),
      createSsmClient(options),
    ];
    state = createSsmStateStore(ssm, PREFIX);
    const overrides = createSsmOverrideStore(ssm, PREFIX, state);
    const images = await seedWeightedRecords(route53, "status.example.com", "img-origin.status.example.com", [
      { setIdentifier: "primary", weight: 200, value: "primary.origins.example.net", ttl: 60 },
      { setIdentifier: "elastic", weight: 55, value: "elastic.origins.example.net", ttl: 60 },
    ]);
    instances = await launchInstances(ec2, 2, { Role: "haproxy-web", Name: "web" });
    const cert = (days: number) =>
      createTestCertificate({
        commonName: "devices.status.example.com",
        subjectAlternativeNames: ["devices.status.example.com"],
        notBefore: new Date(NOW.getTime() - 30 * DAY),
        notAfter: new Date(NOW.getTime() + days * DAY),
      });
    servingCert = await importCertificate(acm, cert(20.5));
    pair = await seedCertPair(
      { ec2, elbv2, route53 },
      {
        zoneName: "devices.status.example.com",
        recordName: "devices.status.example.com",
        pairTag: { key: "AlbPair", value: "devices" },
        balancers: [
          { name: "devices-a", color: "green", certificateArn: servingCert },
          { name: "devices-b", color: "blue", certificateArn: await importCertificate(acm, cert(5.5)) },
        ],
        dnsOn: "devices-a",
      },
    );
    canary = await seedCanaryWorld(elbv2, ec2, {
      name: "stat",
      stableTargets: 1,
      canaryTargets: 1,
      stickinessSeconds: 3600,
    });
    const rules = createElbv2ListenerRules(elbv2, { deadline: () => new Date(Date.now() + 30_000) });
    const ref = { kind: "rule" as const, ruleArn: canary.ruleArn };
    await rules.write(
      ref,
      {
        weights: { [canary.stableTargetGroupArn]: 950, [canary.canaryTargetGroupArn]: 50 },
        stickiness: { enabled: true, durationSeconds: 3600 },
      },
      await rules.read(ref),
    );
    // What the automations would have stored by now.
    await state.save("origin-balancer/images/state", { recentChanges: [{ at: at(-4), direction: 1 }] });
    await state.save("flow-control/web/state", {
      intent: { mode: "closed", admitRate: 0 },
      source: { alarmName: "web-cpu-high", state: "ALARM", stateChangeTime: at(-6) },
      appliedAt: at(-6),
      engagedAt: at(-6),
      seen: [],
      unconverged: [instances[1]],
    });
    await state.save("canary/web/record", {
      canary: "web",
      runId: "run-1",
      startedBy: { author: "carol", reason: "release 42", at: at(-30) },
      status: "running",
      stepIndex: 1,
      enteredAt: at(-7),
    });
    await state.save("cert-rotation/devices/plan", {
      id: "plan-devices-0001",
      pair: "devices",
      createdAt: at(-10),
      expiresAt: at(60 * 71),
      status: "pending",
      rotationId: "rot-1",
      certificateArn: servingCert,
      fromArn: "a",
      toArn: "b",
      steps: [],
      observed: { fingerprint: "f", snapshot: { balancers: [] } },
    });
    const stored = (
      o: Partial<StoredOverride> & Pick<StoredOverride, "id" | "automation" | "target" | "action">,
    ) =>
      overrides.save(
        {
          author: "alice",
          invoker: "alice (test)",
          reason: "INC-7",
          createdAt: at(-20),
          expiresAt: at(100),
          ...o,
        },
        "absent",
      );
    await stored({
      id: "ovr-pin",
      automation: "origin-balancer",
      target: "images",
      action: { kind: "pin", weights: { primary: 200, elastic: 55 } },
    });
    await stored({
      id: "ovr-pause",
      automation: "flow-control",
      target: "web",
      action: { kind: "pause" },
      cleared: { author: "bob", invoker: "bob (test)", reason: "over", at: at(-2) },
    });

    const config = parseStageConfig(
      `
stage: test
region: eu-west-1
parameterPrefix: ${PREFIX}
slack: { channel: "#ops", tokenParameter: ${PREFIX}/slack-token }
originBalancer:
  pools:
    - name: images
      record: { hostedZoneId: ${images.hostedZoneId}, name: img-origin.status.example.com, type: CNAME }
      distributions: [E2STATUS0001]
      origins: [{ setIdentifier: primary, capacity: 9000 }, { setIdentifier: elastic }]
    - name: ghost
      record: { hostedZoneId: Z0GHOST0NOZONE, name: ghost.status.example.com, type: CNAME }
      distributions: [E2STATUS0002]
      origins: [{ setIdentifier: primary, capacity: 9000 }, { setIdentifier: elastic }]
flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:alarms]
  documentName: TrafficAutopilot-test-FlowControl
  fleets:
    - name: web
      tag: { key: Role, value: haproxy-web }
      alarms: [{ alarmName: web-cpu-high, onAlarm: close }, { alarmName: web-cpu-normal, onAlarm: open }]
certRotation:
  pairs:
    - name: devices
      pairTag: { key: AlbPair, value: devices }
      record: { hostedZoneId: ${pair.hostedZoneId}, name: devices.status.example.com, types: [A] }
      certificates: { domains: [devices.status.example.com] }
canary:
  canaries:
    - name: web
      listenerRuleArn: ${canary.ruleArn}
      stableTargetGroupArn: ${canary.stableTargetGroupArn}
      canaryTargetGroupArn: ${canary.canaryTargetGroupArn}
      gateAlarms: [stat-5xx]
`,
      "test.yml",
    );
    // One recorder on every client: each stack takes the same (untyped) initialize middleware.
    const stacks = [route53, elbv2, ec2, acm, ssm].map(
      (c) => c.middlewareStack,
    ) as SSMClient["middlewareStack"][];
    for (const stack of stacks) {
      stack.add(
        (next, ctx) => async (args) => {
          calls.push(ctx.commandName ?? "?");
          return next(args);
        },
        { step: "initialize" },
      );
    }
    const deadline = () => new Date(Date.now() + 30_000);
    const logger = createLogger({ write: () => undefined });
    const runtime: StatusRuntime = {
      config,
      base: {
        env: { stage: "test", configFile: "test.yml", logLevel: "info" },
        config,
        logger,
        ssm,
        notifier: { post: async () => ({ ok: true, ts: "1" }), update: async () => ({ ok: true, ts: "1" }) },
      },
      deps: () => ({
        records: createRoute53WeightedRecords(route53, { deadline }),
        inventory: createEc2FleetInventory(ec2, { deadline }),
        balancers: createElbv2LoadBalancers(elbv2, { deadline }),
        dns: createRoute53AliasPointer(route53, { deadline }),
        certificates: createAcmCertificates(acm, { deadline }),
        rules: createElbv2ListenerRules(elbv2, { deadline }),
        state,
        overrides,
        now: () => NOW,
      }),
    };
    const run = createHandler(async () => runtime);
    handler = (event) => run(event, context) as Promise<StatusDocument>;
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it("returns every automation's state in one document, and only reads to build it", async () => {
    calls.length = 0;
    const doc = await handler({});
    expect(doc).toMatchObject({ stage: "test", at: NOW.toISOString() });

    const images = doc.originBalancer.find((p) => p.pool === "images");
    expect(images).toMatchObject({
      weights: { primary: 200, elastic: 55 },
      shares: { primary: 78.4, elastic: 21.6 },
      state: { lastChange: { at: at(-4), direction: "offload" }, changesLastHour: 1 },
      override: { id: "ovr-pin", author: "alice", action: { kind: "pin" } },
    });

    const [web] = doc.flowControl;
    expect(web).toMatchObject({
      fleet: "web",
      tag: "Role=haproxy-web",
      intent: { mode: "closed" },
      since: at(-6),
    });
    expect(web && "instances" in web ? web.instances.map((i) => [i.id, i.result]).sort() : []).toEqual(
      [
        [instances[0], "converged"],
        [instances[1], "not-converged"],
      ].sort(),
    );
    // The pause on the fleet was cleared: nothing in force, and the overrides section says how it ended.
    expect(web).not.toHaveProperty("override");

    const [devices] = doc.certRotation;
    expect(devices).toMatchObject({
      pair: "devices",
      liveAlb: "devices-a",
      problems: [],
      plan: { id: "plan-devices-0001" },
    });
    expect(
      devices && "balancers" in devices
        ? devices.balancers.map((b) => [b.name, b.color, b.servesDns, b.certificate?.daysLeft])
        : [],
    ).toEqual([
      ["devices-a", "green", true, 20],
      ["devices-b", "blue", false, 5],
    ]);

    expect(doc.canary).toEqual([
      expect.objectContaining({
        name: "web",
        status: "running",
        step: "step 2 of 5 (5%)",
        weights: { stable: 950, canary: 50, canaryPercent: 5, sticky: true },
      }),
    ]);
    expect(doc.overrides).toMatchObject({
      active: [{ id: "ovr-pin", scope: "origin-balancer/images" }],
      recentlyEnded: [{ id: "ovr-pause", how: "cleared", endedAt: at(-2) }],
    });
    expect(doc.plans).toEqual([
      expect.objectContaining({
        id: "plan-devices-0001",
        automation: "cert-rotation",
        target: "devices",
        status: "pending",
        expired: false,
      }),
    ]);

    expect(calls.length).toBeGreaterThan(5);
    expect(calls.filter((c) => !/^(Describe|List|Get)/.test(c))).toEqual([]);
  });

  it("reports an item it cannot read inside the document instead of failing the whole status", async () => {
    const doc = await handler({});
    const ghost = doc.originBalancer.find((p) => p.pool === "ghost");
    expect(ghost).toEqual({
      pool: "ghost",
      error: expect.stringMatching(/Z0GHOST0NOZONE|hosted zone|NoSuchHostedZone/i),
    });
    expect(doc.originBalancer.find((p) => p.pool === "images")).not.toHaveProperty("error");
  });

  it("narrows to one automation and target when asked", async () => {
    const doc = await handler({ automation: "origin-balancer", target: "images" });
    expect(doc.originBalancer.map((p) => p.pool)).toEqual(["images"]);
    expect([doc.flowControl, doc.certRotation, doc.canary]).toEqual([[], [], []]);
    expect(doc.query).toEqual({ automation: "origin-balancer", target: "images" });
  });

  it.each([
    [{ automation: "dns" }, /automation/],
    [{ target: "images" }, /target: a target needs its automation/],
    [{ automation: "canary", extra: 1 }, /extra|Unrecognized/i],
  ])("rejects the malformed request %j naming the problem", async (payload, message) => {
    await expect(handler(payload)).rejects.toThrow(message);
    await expect(handler(payload)).rejects.toMatchObject({ name: "InvalidEventError" });
  });
});
