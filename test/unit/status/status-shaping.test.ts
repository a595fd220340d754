import { describe, expect, it } from "vitest";
import type { CanaryRecord } from "../../../shared/canary/domain/types";
import type { PendingRotationPlan } from "../../../shared/cert-rotation/domain/pending-rotation-plan";
import type { BalancerFacts, CertificateFacts } from "../../../shared/cert-rotation/domain/types";
import type { FleetState } from "../../../shared/flow-control/domain/types";
import type { StoredOverride } from "../../../shared/kernel/domain/override-types";
import type { PendingWeightPlan } from "../../../shared/origin-balancer/domain/pending-weight-plan";
import { canaryStatus, fleetStatus, poolStatus } from "../../../shared/status/domain/automations";
import { pairStatus } from "../../../shared/status/domain/cert-pair";
import { planStatus, summariseOverrides, wanted } from "../../../shared/status/domain/overrides";

const NOW = new Date("2026-11-02T10:00:00Z");
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * 60_000).toISOString();

const override = (o: Partial<StoredOverride> & Pick<StoredOverride, "id" | "action">): StoredOverride => ({
  automation: "origin-balancer",
  target: "images",
  author: "alice",
  invoker: "arn:aws:iam::123456789012:user/alice",
  reason: "INC-42",
  createdAt: at(-30),
  expiresAt: at(60),
  ...o,
});
const pin = override({ id: "ovr-pin", action: { kind: "pin", weights: { primary: 128, elastic: 127 } } });
const pauseAll = override({ id: "ovr-pause", target: "*", action: { kind: "pause" }, createdAt: at(-5) });
const record = { hostedZoneId: "Z1", name: "img-origin.example.com.", type: "CNAME" };

describe("pool status", () => {
  it("shows Route 53 weights with their shares in percent, keeping weight 0 as a value", () => {
    const status = poolStatus({
      pool: "images",
      record,
      weights: { primary: 255, elastic: 0 },
      state: undefined,
      overrides: [],
      now: NOW,
    });
    expect(status.weights).toEqual({ primary: 255, elastic: 0 });
    expect(status.shares).toEqual({ primary: 100, elastic: 0 });
    expect(status.state).toBeUndefined();
  });

  it("reports the last change, the changes of the last hour and the hold the state remembers", () => {
    const status = poolStatus({
      pool: "images",
      record,
      weights: { primary: 128, elastic: 127 },
      state: {
        recentChanges: [
          { at: at(-90), direction: 1 },
          { at: at(-20), direction: 1 },
          { at: at(-3), direction: -1 },
        ],
        noDataSince: at(-2),
      },
      overrides: [],
      now: NOW,
    });
    expect(status.shares).toEqual({ primary: 50.2, elastic: 49.8 });
    expect(status.state).toEqual({
      lastChange: { at: at(-3), direction: "give-back" },
      changesLastHour: 2,
      noDataSince: at(-2),
    });
  });

  it.each([
    ["a pin on the pool beats a pause on every pool", [pin, pauseAll], "ovr-pin"],
    ["a pause on every pool applies to this one", [pauseAll], "ovr-pause"],
    ["an expired pin is not in force", [{ ...pin, expiresAt: at(-1) }], undefined],
    [
      "a cleared pin is not in force",
      [{ ...pin, cleared: { author: "bob", invoker: "x", reason: "ok", at: at(-1) } }],
      undefined,
    ],
    ["a pin on another pool does not apply", [{ ...pin, target: "video" }], undefined],
  ])("shows the override in force: %s", (_, overrides, id) => {
    const status = poolStatus({ pool: "images", record, weights: {}, state: undefined, overrides, now: NOW });
    expect(status.override?.id).toBe(id);
  });

  it("shows a stored weight plan with what it would set", () => {
    const plan: PendingWeightPlan = {
      id: "plan-images-0001",
      automation: "origin-balancer",
      target: "images",
      createdAt: at(-5),
      expiresAt: at(25),
      status: "pending",
      rule: "offload",
      direction: 1,
      reason: "forecast above engage",
      observed: { primary: 254, elastic: 1 },
      proposed: { primary: 200, elastic: 55 },
    };
    const status = poolStatus({
      pool: "images",
      record,
      weights: {},
      state: undefined,
      plan,
      overrides: [],
      now: NOW,
    });
    expect(status.plan).toMatchObject({
      automation: "origin-balancer",
      proposed: { primary: 200, elastic: 55 },
      expired: false,
    });
  });
});

describe("fleet status", () => {
  const instances = [{ instanceId: "i-1", name: "web-1" }, { instanceId: "i-2" }];

  it("says the mode is unknown when no intent is stored, never assumes open", () => {
    const status = fleetStatus({
      fleet: "web",
      tag: { key: "Role", value: "haproxy-web" },
      state: undefined,
      instances,
      overrides: [],
      now: NOW,
    });
    expect(status.intent).toBeUndefined();
    expect(status.instances).toEqual([
      { id: "i-1", name: "web-1", mode: "unknown", result: "unknown" },
      { id: "i-2", mode: "unknown", result: "unknown" },
    ]);
  });

  it("marks the instances that did not converge on the last run", () => {
    const state: FleetState = {
      intent: { mode: "closed", admitRate: 0 },
      source: { alarmName: "web-cpu-high", state: "ALARM", stateChangeTime: at(-4) },
      appliedAt: at(-4),
      engagedAt: at(-4),
      seen: [],
      unconverged: ["i-2"],
    };
    const status = fleetStatus({
      fleet: "web",
      tag: { key: "Role", value: "w" },
      state,
      instances,
      overrides: [],
      now: NOW,
    });
    expect(status).toMatchObject({ intent: { mode: "closed" }, since: at(-4), tag: "Role=w" });
    expect(status.lastDecision?.source.alarmName).toBe("web-cpu-high");
    expect(status.instances.map((i) => `${i.id}:${i.mode}:${i.result}`)).toEqual([
      "i-1:closed:converged",
      "i-2:closed:not-converged",
    ]);
  });
});

describe("canary status", () => {
  const steps = [1, 5, 25, 50, 100].map((percent) => ({ percent, bakeMinutes: 10 }));
  const split = { stableWeight: 950, canaryWeight: 50, stickiness: { enabled: true, durationSeconds: 3600 } };

  it("shows a canary that never ran at baseline, with the rule's weights", () => {
    const status = canaryStatus({ name: "web", steps, record: undefined, split, overrides: [], now: NOW });
    expect(status).toMatchObject({ status: "never started", step: "baseline (0%)" });
    expect(status.weights).toEqual({ stable: 950, canary: 50, canaryPercent: 5, sticky: true });
  });

  it("shows the step the run record is on and who started it", () => {
    const running: CanaryRecord = {
      canary: "web",
      runId: "run-1",
      startedBy: { author: "alice", reason: "release", at: at(-30) },
      status: "running",
      stepIndex: 1,
      enteredAt: at(-8),
    };
    const status = canaryStatus({ name: "web", steps, record: running, split, overrides: [], now: NOW });
    expect(status).toMatchObject({ status: "running", step: "step 2 of 5 (5%)" });
    expect(status.run).toEqual({ runId: "run-1", startedBy: "alice", enteredAt: at(-8) });
  });
});

describe("overrides and plans", () => {
  it("lists active overrides newest first and those ended within a day with how they ended", () => {
    const cleared = override({
      id: "ovr-cleared",
      action: { kind: "pause" },
      cleared: { author: "bob", invoker: "x", reason: "done", at: at(-10) },
    });
    const expired = override({ id: "ovr-expired", action: { kind: "pause" }, expiresAt: at(-60) });
    const old = override({
      id: "ovr-old",
      action: { kind: "pause" },
      createdAt: at(-3000),
      expiresAt: at(-2000),
    });
    const summary = summariseOverrides([old, expired, pin, cleared, pauseAll], NOW);
    expect(summary.active.map((o) => o.id)).toEqual(["ovr-pause", "ovr-pin"]);
    expect(summary.recentlyEnded.map((o) => [o.id, o.how, o.endedAt])).toEqual([
      ["ovr-cleared", "cleared", at(-10)],
      ["ovr-expired", "expired", at(-60)],
    ]);
    expect(summary.active[1]?.scope).toBe("origin-balancer/images");
    expect(summary.active[0]?.scope).toBe("origin-balancer/(every target)");
  });

  it("marks a pending certificate plan past its expiry as expired", () => {
    const plan = {
      id: "plan-devices-1",
      pair: "devices",
      createdAt: at(-100),
      expiresAt: at(-1),
      status: "pending",
      certificateArn: "arn:cert",
    } as PendingRotationPlan;
    expect(planStatus(plan, NOW)).toMatchObject({
      automation: "cert-rotation",
      target: "devices",
      status: "pending",
      expired: true,
      certificateArn: "arn:cert",
    });
  });

  it.each([
    [{}, "origin-balancer", "images", true],
    [{ automation: "flow-control" as const }, "origin-balancer", "images", false],
    [{ automation: "origin-balancer" as const, target: "video" }, "origin-balancer", "images", false],
    [{ automation: "origin-balancer" as const, target: "images" }, "origin-balancer", "images", true],
  ])("narrows to the query %j", (query, automation, target, expected) => {
    expect(wanted(query, automation as "origin-balancer", target)).toBe(expected);
  });
});

describe("certificate pair status", () => {
  const alb = (name: string, color: string | undefined, cert: string): BalancerFacts => ({
    arn: `arn:alb/${name}`,
    name,
    dnsName: `${name}-1.eu-west-1.elb.amazonaws.com`,
    canonicalHostedZoneId: "ZALB",
    tags: { AlbPair: "devices", ...(color ? { DeploymentColor: color } : {}) },
    listener: {
      arn: `arn:listener/${name}`,
      port: 443,
      protocol: "HTTPS",
      defaultCertificateArn: cert,
      sniCertificateArns: [],
    },
  });
  const cert = (arn: string, notAfter: string): CertificateFacts => ({
    arn,
    domainName: "d",
    names: ["d"],
    status: "ISSUED",
    notAfter,
    tags: {},
  });
  const expect_ = {
    port: 443,
    colorTagKey: "DeploymentColor",
    recordName: "devices.example.com.",
    recordTypes: ["A"],
  };
  const aliasTo = (name: string) => ({
    type: "A" as const,
    alias: {
      hostedZoneId: "ZALB",
      dnsName: `dualstack.${name}-1.eu-west-1.elb.amazonaws.com.`,
      evaluateTargetHealth: true,
    },
  });

  it("shows colours, the live ALB and the serving certificate's days left", () => {
    const status = pairStatus({
      pair: "devices",
      expect: expect_,
      facts: {
        balancers: [alb("iot-a", "green", "arn:c1"), alb("iot-b", "blue", "arn:c2")],
        records: [aliasTo("iot-a")],
      },
      certificates: new Map([
        ["arn:c1", cert("arn:c1", new Date(NOW.getTime() + 12.5 * 86_400_000).toISOString())],
        ["arn:c2", cert("arn:c2", at(60 * 24 * 40))],
      ]),
      state: undefined,
      plan: undefined,
      overrides: [],
      now: NOW,
    });
    expect(status.liveAlb).toBe("iot-a");
    expect(status.problems).toEqual([]);
    expect(status.balancers.map((b) => [b.name, b.color, b.servesDns, b.certificate?.daysLeft])).toEqual([
      ["iot-a", "green", true, 12],
      ["iot-b", "blue", false, 40],
    ]);
  });

  it("still shows an inconsistent pair, with the problems a rotation would hold on", () => {
    const status = pairStatus({
      pair: "devices",
      expect: expect_,
      facts: {
        balancers: [alb("iot-a", "green", "arn:c1"), alb("iot-b", undefined, "arn:c2")],
        records: [aliasTo("iot-a")],
      },
      certificates: new Map(),
      state: undefined,
      plan: undefined,
      overrides: [],
      now: NOW,
    });
    expect(status.balancers).toHaveLength(2);
    expect(status.problems).toContain("iot-b has no DeploymentColor tag");
    expect(status.balancers[0]?.certificate).toEqual({ arn: "arn:c1" });
  });
});
