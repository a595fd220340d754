import { describe, expect, it } from "vitest";
import { canarySectionSchema } from "../../../shared/canary/config";
import type { CanaryRecord } from "../../../shared/canary/domain/types";
import { commandCanary, runCanaries } from "../../../shared/canary/run-canaries";
import type { StoredOverride } from "../../../shared/kernel/domain/override-types";
import { parameterKeys } from "../../../shared/kernel/domain/parameter-layout";
import { MemoryStateStore } from "../../support/memory-state-store";
import { depsWith, fakeAlarms, fakeHealth, fakeNotifier, fakeRules } from "./fakes";

const ACCOUNT = "arn:aws:elasticloadbalancing:eu-west-1:123456789012";
const RULE = `${ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const STABLE = `${ACCOUNT}:targetgroup/checkout-stable/73e2d6bc24d8a067`;
const CANARY = `${ACCOUNT}:targetgroup/checkout-canary/83e2d6bc24d8a067`;
const START = new Date("2026-11-02T20:00:00Z");

describe("a canary under a stored pause (pause every canary, or everything)", () => {
  const section = canarySectionSchema.parse({
    canaries: [
      {
        name: "checkout",
        listenerRuleArn: RULE,
        stableTargetGroupArn: STABLE,
        canaryTargetGroupArn: CANARY,
        steps: [1, 5, 100],
        bakeMinutes: 10,
        gateAlarms: ["checkout-canary-5xx"],
        minHealthyTargets: 1,
      },
    ],
  });
  const setup = () => {
    const rules = fakeRules({
      [RULE]: { weights: { [STABLE]: 999, [CANARY]: 0 }, stickiness: { enabled: true, durationSeconds: 60 } },
    });
    const alarms = fakeAlarms({ "checkout-canary-5xx": "OK" });
    const state = new MemoryStateStore();
    const clock = { now: START };
    const stored: StoredOverride[] = [];
    const deps = {
      ...depsWith({
        rules: rules.port,
        alarms: alarms.port,
        health: fakeHealth({ healthy: 2, total: 2, byState: { healthy: 2 } }).port,
        state,
        notifier: fakeNotifier().port,
        clock,
      }),
      overrides: { list: async () => stored },
    };
    const schedule = () =>
      runCanaries(deps, section, section.canaries, {
        kind: "schedule",
        source: "rate",
        at: clock.now.toISOString(),
      });
    const percent = () => {
      const w = rules.current(RULE)?.weights ?? {};
      return Math.round(((w[CANARY] ?? 0) / ((w[CANARY] ?? 0) + (w[STABLE] ?? 0))) * 100);
    };
    return { deps, clock, stored, schedule, percent, alarms, state };
  };
  const pauseAll: StoredOverride = {
    id: "ovr-1",
    automation: "*",
    target: "*",
    action: { kind: "pause" },
    author: "bob",
    invoker: "arn:aws:iam::123456789012:user/bob",
    reason: "freeze during the sale",
    createdAt: "2026-11-02T20:05:00Z",
    expiresAt: "2026-11-02T21:00:00Z",
  };

  it("holds the step, says who paused it, keeps the record clean, and advances once the pause is gone", async () => {
    const w = setup();
    await commandCanary(w.deps, section, { kind: "start", canary: "checkout", author: "alice", reason: "r" });
    expect(w.percent()).toBe(1);
    w.stored.push(pauseAll);
    w.clock.now = new Date(START.getTime() + 30 * 60_000);
    const [held] = await w.schedule();
    expect(held?.outcome).toBe("held");
    expect(held?.override).toMatchObject({ kind: "pause", author: "bob", id: "ovr-1" });
    expect(w.percent()).toBe(1);
    const record = (await w.state.load<CanaryRecord>(parameterKeys.canaryRecord("checkout")))?.value;
    expect(record?.status).toBe("running");
    expect(record?.pause).toBeUndefined();

    w.stored.length = 0;
    w.clock.now = new Date(START.getTime() + 31 * 60_000);
    const [advanced] = await w.schedule();
    expect(advanced?.outcome).toBe("applied");
    expect(advanced?.headline).toContain("automation resumed");
    expect(w.percent()).toBe(5);
  });

  it("still rolls back on a gate alarm while paused", async () => {
    const w = setup();
    await commandCanary(w.deps, section, { kind: "start", canary: "checkout", author: "alice", reason: "r" });
    w.stored.push(pauseAll);
    w.alarms.states["checkout-canary-5xx"] = "ALARM";
    w.clock.now = new Date(START.getTime() + 6 * 60_000);
    const [rolledBack] = await w.schedule();
    expect(rolledBack?.rule).toBe("gate-alarm");
    expect(w.percent()).toBe(0);
  });
});
