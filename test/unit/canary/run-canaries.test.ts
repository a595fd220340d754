import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canarySectionSchema } from "../../../shared/canary/config";
import type { CanaryRecord } from "../../../shared/canary/domain/types";
import {
  type CanaryDeps,
  commandCanary,
  runCanaries,
  runForAlarms,
} from "../../../shared/canary/run-canaries";
import { InvalidEventError } from "../../../shared/errors";
import { parameterKeys } from "../../../shared/kernel/domain/parameter-layout";
import { parseAlarmNotifications } from "../../../shared/runtime/alarm-notification";
import { MemoryStateStore } from "../../support/memory-state-store";
import { depsWith, fakeAlarms, fakeHealth, fakeNotifier, fakeRules } from "./fakes";

const ACCOUNT = "arn:aws:elasticloadbalancing:eu-west-1:123456789012";
const RULE = `${ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const LISTENER = `${ACCOUNT}:listener/app/search/60dc6c495c0c9188/a2f7dc8efc522ab2`;
const STABLE = `${ACCOUNT}:targetgroup/checkout-stable/73e2d6bc24d8a067`;
const CANARY = `${ACCOUNT}:targetgroup/checkout-canary/83e2d6bc24d8a067`;
const SEARCH_STABLE = `${ACCOUNT}:targetgroup/search-stable/93e2d6bc24d8a067`;
const SEARCH_CANARY = `${ACCOUNT}:targetgroup/search-canary/a3e2d6bc24d8a067`;
const START = new Date("2026-11-02T20:00:00Z");

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../../fixtures/events/sns/${name}.json`), "utf8"));

function section(mode: "auto" | "plan" | "dry-run" = "auto") {
  return canarySectionSchema.parse({
    mode,
    canaries: [
      {
        name: "checkout",
        listenerRuleArn: RULE,
        stableTargetGroupArn: STABLE,
        canaryTargetGroupArn: CANARY,
        steps: [1, 5, { percent: 25, bakeMinutes: 15 }, 100],
        bakeMinutes: 10,
        gateAlarms: ["checkout-canary-5xx", "checkout-canary-p99-latency"],
        minHealthyTargets: 2,
        stickinessSeconds: 86_400,
      },
      {
        name: "search",
        listenerArn: LISTENER,
        stableTargetGroupArn: SEARCH_STABLE,
        canaryTargetGroupArn: SEARCH_CANARY,
        gateAlarms: ["search-canary-5xx"],
      },
    ],
  });
}

function world(mode: "auto" | "plan" | "dry-run" = "auto") {
  const sticky = { enabled: true, durationSeconds: 86_400 };
  const rules = fakeRules({
    [RULE]: { weights: { [STABLE]: 999, [CANARY]: 0 }, stickiness: sticky },
    [LISTENER]: { weights: { [SEARCH_STABLE]: 1 }, stickiness: { enabled: false } },
  });
  const alarms = fakeAlarms({
    "checkout-canary-5xx": "OK",
    "checkout-canary-p99-latency": "OK",
    "search-canary-5xx": "OK",
  });
  const health = fakeHealth({ healthy: 3, total: 3, byState: { healthy: 3 } });
  const state = new MemoryStateStore();
  const notifier = fakeNotifier();
  const clock = { now: START };
  const deps: CanaryDeps = depsWith({
    rules: rules.port,
    alarms: alarms.port,
    health: health.port,
    state,
    notifier: notifier.port,
    clock,
  });
  const config = section(mode);
  const checkout = config.canaries.filter((c) => c.name === "checkout");
  const schedule = () =>
    runCanaries(deps, config, config.canaries, {
      kind: "schedule",
      source: "rate",
      at: clock.now.toISOString(),
    });
  const start = () =>
    commandCanary(deps, config, {
      kind: "start",
      canary: "checkout",
      author: "alice",
      reason: "release 2026.11.2",
    });
  const record = async () => (await state.load<CanaryRecord>(parameterKeys.canaryRecord("checkout")))?.value;
  const percent = () => {
    const w = rules.current(RULE)?.weights ?? {};
    return Math.round(((w[CANARY] ?? 0) / ((w[CANARY] ?? 0) + (w[STABLE] ?? 0))) * 1000) / 10;
  };
  const minutesLater = (m: number) => {
    clock.now = new Date(clock.now.getTime() + m * 60_000);
  };
  return {
    rules,
    alarms,
    health,
    state,
    notifier,
    clock,
    deps,
    config,
    checkout,
    schedule,
    start,
    record,
    percent,
    minutesLater,
  };
}

describe("runCanaries", () => {
  it("runs a started canary to completion in one Slack thread, refreshing the headline in place", async () => {
    const w = world();
    const started = await w.start();
    expect(started.accepted).toBe(true);
    expect(started.decisions[0]).toMatchObject({ rule: "advance", outcome: "applied" });
    const seen = [w.percent()];
    // One run a minute; 10 + 10 + 15 + 10 minutes of bake, bounded well above that.
    for (let minute = 0; minute < 120 && (await w.record())?.status === "running"; minute++) {
      w.minutesLater(1);
      await w.schedule();
      if (seen.at(-1) !== w.percent()) seen.push(w.percent());
    }
    expect(seen).toEqual([1, 5, 25, 100]);
    expect(await w.record()).toMatchObject({ status: "completed", ended: { how: "completed" } });
    expect(w.rules.current(RULE)).toEqual({
      weights: { [STABLE]: 0, [CANARY]: 999 },
      stickiness: { enabled: false },
    });
    expect(w.clock.now.getTime() - START.getTime()).toBe(45 * 60_000);

    const roots = w.notifier.posts.filter((p) => p.threadTs === undefined);
    expect(roots).toHaveLength(1);
    const root = roots[0]?.ts;
    const replies = w.notifier.posts.filter((p) => p.threadTs !== undefined);
    expect(replies.map((p) => p.threadTs)).toEqual(replies.map(() => root));
    expect(replies.map((p) => p.message.text)).toEqual([
      expect.stringMatching(/advanced 0% → 1%/),
      expect.stringMatching(/advanced 1% → 5%/),
      expect.stringMatching(/advanced 5% → 25%/),
      expect.stringMatching(/advanced 25% → 100%/),
      expect.stringMatching(/completed at 100% on the canary group, stickiness off/),
    ]);
    expect(w.notifier.updates.every((u) => u.ts === root)).toBe(true);
    expect(w.notifier.updates.at(-1)?.message.text).toMatch(/checkout canary — completed/);
    expect(JSON.stringify(replies.at(-1)?.message.blocks)).toMatch(/Next for the operator/);
    expect((await w.record())?.threadTs).toBe(root);
  });

  it("a stale OK notification after ALARM cannot pass the gate, and a duplicate ALARM changes nothing", async () => {
    const w = world();
    await w.start();
    w.alarms.states["checkout-canary-5xx"] = "ALARM";
    const [ok] = parseAlarmNotifications(fixture("cloudwatch-alarm-ok"));
    if (ok === undefined) throw new Error("fixture has no record");
    const stale = { ...ok, alarmName: "checkout-canary-5xx" };
    const [rollback] = await runForAlarms(w.deps, w.config, [stale]);
    expect(rollback).toMatchObject({
      rule: "gate-alarm",
      outcome: "applied",
      trigger: { kind: "alarm", source: "checkout-canary-5xx OK" },
      observed: { notification: { state: "OK" } },
    });
    expect(w.rules.current(RULE)).toEqual({
      weights: { [STABLE]: 999, [CANARY]: 0 },
      stickiness: { enabled: false },
    });
    const writes = w.rules.writes.length;

    const alarm = parseAlarmNotifications(fixture("cloudwatch-alarm-in-alarm"));
    const again = await runForAlarms(w.deps, w.config, [...alarm, ...alarm]);
    expect(again).toEqual([]);
    expect(w.rules.writes.length).toBe(writes);
    expect((await w.record())?.status).toBe("rolled-back");
  });

  it("an ALARM notification delivered after the alarm went back to OK evaluates the current OK states", async () => {
    const w = world();
    await w.start();
    w.minutesLater(3);
    const decisions = await runForAlarms(
      w.deps,
      w.config,
      parseAlarmNotifications(fixture("cloudwatch-alarm-in-alarm")),
    );
    expect(decisions).toMatchObject([{ rule: "baking", outcome: "unchanged" }]);
    expect(w.percent()).toBe(1);
  });

  it("rejects an alarm that gates no canary before any AWS read", async () => {
    const w = world();
    await w.start();
    const reads = w.rules.reads();
    const [n] = parseAlarmNotifications(fixture("cloudwatch-alarm-in-alarm"));
    if (n === undefined) throw new Error("fixture has no record");
    await expect(runForAlarms(w.deps, w.config, [{ ...n, alarmName: "billing-spike" }])).rejects.toThrow(
      /alarm billing-spike gates no configured canary/,
    );
    expect(w.rules.reads()).toBe(reads);
  });

  it("holds on INSUFFICIENT_DATA and posts the hold once per episode", async () => {
    const w = world();
    await w.start();
    w.alarms.states["checkout-canary-p99-latency"] = "INSUFFICIENT_DATA";
    const posts = w.notifier.posts.length;
    for (let minute = 0; minute < 20; minute++) {
      w.minutesLater(1);
      const [decision] = await w.schedule();
      expect(decision).toMatchObject({ rule: "gate-no-data", outcome: "held", severity: "warn" });
    }
    expect(w.notifier.posts.length).toBe(posts + 1);
    expect(w.percent()).toBe(1);
  });

  it("records what it would do in dry-run mode, once per episode, and never writes the rule", async () => {
    const w = world("dry-run");
    await w.start();
    w.minutesLater(1);
    await w.schedule();
    expect(w.rules.writes).toEqual([]);
    expect(w.notifier.posts.map((p) => p.message.text)).toEqual([
      expect.stringMatching(/checkout canary — running at baseline/),
      expect.stringMatching(/dry run — would advance 0% → 1%/),
    ]);
    expect((await w.record())?.stepIndex).toBe(-1);
  });

  it("fails the decision and keeps the step when the rule reads back something else", async () => {
    const w = world();
    w.rules.tamperReadBack((f) => ({ ...f, stickiness: { enabled: false } }));
    const { decisions } = await w.start();
    expect(decisions[0]).toMatchObject({
      outcome: "failed",
      severity: "critical",
      error: { name: "VerificationError" },
    });
    expect((await w.record())?.stepIndex).toBe(-1);
  });

  it("acts while Slack is down and opens the run's thread once Slack is back", async () => {
    const w = world();
    w.notifier.setDown(true);
    const { decisions } = await w.start();
    expect(decisions[0]).toMatchObject({ rule: "advance", outcome: "applied" });
    expect(w.percent()).toBe(1);
    expect((await w.record())?.threadTs).toBeUndefined();

    w.notifier.setDown(false);
    w.alarms.states["checkout-canary-5xx"] = "ALARM";
    const [decision] = await w.schedule();
    expect(decision).toMatchObject({ rule: "gate-alarm", outcome: "applied" });
    expect(w.rules.current(RULE)?.stickiness).toEqual({ enabled: false });
    const [root, reply] = w.notifier.posts;
    expect(root?.message.text).toMatch(/checkout canary — rolled back from 1%/);
    expect(reply).toMatchObject({ threadTs: root?.ts });
    expect((await w.record())?.threadTs).toBe(root?.ts);
  });

  it("never touches a rule that also sends traffic to a group the canary does not own", async () => {
    const w = world();
    w.rules.set(RULE, {
      weights: { [STABLE]: 900, [CANARY]: 0, [`${ACCOUNT}:targetgroup/legacy/b3e2d6bc24d8a067`]: 99 },
      stickiness: { enabled: false },
    });
    const { decisions } = await w.start();
    expect(decisions[0]).toMatchObject({ rule: "evaluation-failed", outcome: "failed" });
    expect(decisions[0]?.error?.message).toMatch(/also sends traffic to .*legacy/);
    expect(w.rules.writes).toEqual([]);
  });

  it("reports a failed evaluation of a running canary in its thread", async () => {
    const w = world();
    await w.start();
    const root = (await w.record())?.threadTs;
    w.rules.set(RULE, {
      weights: { [STABLE]: 990, [CANARY]: 10, [`${ACCOUNT}:targetgroup/legacy/b3e2d6bc24d8a067`]: 5 },
      stickiness: { enabled: false },
    });
    w.minutesLater(1);
    const [decision] = await w.schedule();
    expect(decision).toMatchObject({ rule: "evaluation-failed", severity: "critical" });
    expect(w.notifier.posts.at(-1)).toMatchObject({ threadTs: root });
  });

  it("carries out an abort in the same invocation: weight 0 and stickiness off", async () => {
    const w = world();
    await w.start();
    w.minutesLater(2);
    const aborted = await commandCanary(w.deps, w.config, {
      kind: "abort",
      canary: "checkout",
      author: "carol",
      reason: "support tickets",
    });
    expect(aborted.decisions[0]).toMatchObject({
      rule: "abort",
      outcome: "applied",
      override: { author: "carol" },
    });
    expect(w.rules.current(RULE)).toEqual({
      weights: { [STABLE]: 999, [CANARY]: 0 },
      stickiness: { enabled: false },
    });
    expect(w.notifier.posts.some((p) => /carol asked to abort checkout/.test(p.message.text))).toBe(true);
  });

  it("rejects a command for an unknown canary before any AWS read", async () => {
    const w = world();
    await expect(
      commandCanary(w.deps, w.config, { kind: "start", canary: "checkuot", author: "alice", reason: "typo" }),
    ).rejects.toThrow(InvalidEventError);
    expect(w.rules.reads()).toBe(0);
    expect(w.state.values.size).toBe(0);
  });

  it("returns a refusal and changes nothing when a command does not apply", async () => {
    const w = world();
    const response = await commandCanary(w.deps, w.config, {
      kind: "resume",
      canary: "checkout",
      author: "alice",
      reason: "go",
    });
    expect(response).toEqual({
      accepted: false,
      refusal: expect.stringMatching(/it has no run/),
      decisions: [],
    });
    expect(w.rules.reads()).toBe(0);
    expect(w.state.values.size).toBe(0);
  });

  it("skips canaries without a run in progress without reading AWS", async () => {
    const w = world();
    expect(await w.schedule()).toEqual([]);
    expect(w.rules.reads()).toBe(0);
    expect(w.alarms.calls).toEqual([]);
  });

  it("steers a listener's default action with ModifyListener", async () => {
    const w = world();
    const started = await commandCanary(w.deps, w.config, {
      kind: "start",
      canary: "search",
      author: "erin",
      reason: "search 4.2",
    });
    expect(started.decisions[0]).toMatchObject({ outcome: "applied", change: { call: "ModifyListener" } });
    expect(w.rules.current(LISTENER)?.weights).toEqual({ [SEARCH_STABLE]: 990, [SEARCH_CANARY]: 10 });
  });
});
