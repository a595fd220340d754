import { describe, expect, it } from "vitest";
import {
  type CanaryStepInput,
  type CanaryStepPlan,
  planCanaryStep,
} from "../../../shared/canary/domain/plan-canary-step";
import { canaryPercent, splitForStep, weightsFor } from "../../../shared/canary/domain/split";
import {
  BASELINE_STEP,
  type CanaryRecord,
  type CanarySpec,
  type CanarySplit,
} from "../../../shared/canary/domain/types";
import type { AlarmObservation } from "../../../shared/kernel/domain/alarm-observation";

const NOW = new Date("2026-11-02T20:30:00Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

const spec: CanarySpec = {
  name: "checkout",
  steps: [
    { percent: 1, bakeMinutes: 10 },
    { percent: 5, bakeMinutes: 10 },
    { percent: 25, bakeMinutes: 15 },
    { percent: 50, bakeMinutes: 15 },
    { percent: 100, bakeMinutes: 30 },
  ],
  gateAlarms: ["checkout-5xx", "checkout-p99"],
  minHealthyTargets: 2,
  stickinessSeconds: 86_400,
};

const record = (over: Partial<CanaryRecord> = {}): CanaryRecord => ({
  canary: "checkout",
  runId: ago(120),
  startedBy: { author: "alice", reason: "release 2026.11.2", at: ago(120) },
  status: "running",
  stepIndex: 0,
  enteredAt: ago(11),
  ...over,
});
const at = (percent: number): CanarySplit => splitForStep(spec, percent);
const gates = (errors: AlarmObservation["state"] = "OK", latency: AlarmObservation["state"] = "OK") => [
  { name: "checkout-5xx", state: errors },
  { name: "checkout-p99", state: latency },
];
const healthy = (n: number, total = 3) => ({
  healthy: n,
  total,
  byState: { healthy: n, ...(total > n ? { unhealthy: total - n } : {}) },
});

function plan(over: Partial<CanaryStepInput>): CanaryStepPlan {
  return planCanaryStep({
    spec,
    record: record(),
    split: at(1),
    alarms: gates(),
    health: healthy(3),
    now: NOW,
    ...over,
  });
}

const RUNNING_STICKY = { enabled: true, durationSeconds: 86_400 };
const OFF = { enabled: false };

describe("planCanaryStep", () => {
  it.each<[string, Partial<CanaryStepInput>, Partial<CanaryStepPlan>, (p: CanaryStepPlan) => void]>([
    [
      "moves from the baseline to the first step at once when gates are clear and the canary is healthy",
      {
        record: record({ stepIndex: BASELINE_STEP, enteredAt: ago(0) }),
        split: { ...weightsFor(0), stickiness: OFF },
      },
      { action: "advance", rule: "advance", toStep: 0 },
      (p) => expect(p.after).toEqual({ stableWeight: 990, canaryWeight: 10, stickiness: RUNNING_STICKY }),
    ],
    [
      "holds while the step has not baked long enough",
      { record: record({ enteredAt: ago(4) }) },
      { action: "hold", rule: "baking" },
      (p) => expect(p.reason).toBe("baked 4 of 10 min at 1%"),
    ],
    [
      "advances once the bake time has elapsed, re-applying the configured stickiness",
      { record: record({ enteredAt: ago(10) }) },
      { action: "advance", toStep: 1 },
      (p) => {
        expect(p.after).toEqual({ stableWeight: 950, canaryWeight: 50, stickiness: RUNNING_STICKY });
        expect(p.nextRecord).toMatchObject({ stepIndex: 1, enteredAt: NOW.toISOString() });
      },
    ],
    [
      "completes after the last step baked: everything on the canary, stickiness off so pinned users move",
      { record: record({ stepIndex: 4, enteredAt: ago(30) }), split: at(100) },
      { action: "complete", rule: "complete" },
      (p) => {
        expect(p.after).toEqual({ stableWeight: 0, canaryWeight: 999, stickiness: OFF });
        expect(p.nextRecord).toMatchObject({ status: "completed", ended: { how: "completed" } });
      },
    ],
    [
      "rolls back mid-step when a gate goes into ALARM: canary weight 0 and stickiness off together",
      { record: record({ stepIndex: 2, enteredAt: ago(3) }), split: at(25), alarms: gates("ALARM") },
      { action: "rollback", rule: "gate-alarm", toStep: BASELINE_STEP },
      (p) => {
        expect(p.after).toEqual({ stableWeight: 999, canaryWeight: 0, stickiness: OFF });
        expect(p.nextRecord).toMatchObject({ status: "rolled-back" });
        expect(p.nextRecord?.ended?.how).toMatch(/rolled back from 25% \(checkout-5xx in ALARM\)/);
      },
    ],
    [
      "holds on INSUFFICIENT_DATA and says so: no data never passes a gate",
      { alarms: gates("OK", "INSUFFICIENT_DATA") },
      { action: "hold", rule: "gate-no-data" },
      (p) => {
        expect(p.reason).toMatch(/checkout-p99 INSUFFICIENT_DATA/);
        expect(p.after).toEqual(p.before);
      },
    ],
    [
      "holds when a gate alarm cannot be found, rather than reading it as clear",
      { alarms: [{ name: "checkout-5xx", state: "OK" }] },
      { action: "hold", rule: "gate-no-data" },
      (p) => expect(p.reason).toMatch(/checkout-p99 not found/),
    ],
    [
      "never advances while the canary has fewer healthy targets than required",
      { health: healthy(1, 3) },
      { action: "hold", rule: "unhealthy-canary" },
      (p) => expect(p.reason).toBe("1 of 3 canary targets healthy (need 2)"),
    ],
    [
      "does not start while a gate is in ALARM, and has nothing to roll back",
      { record: record({ stepIndex: BASELINE_STEP }), split: at(0), alarms: gates("ALARM") },
      { action: "hold", rule: "gate-alarm" },
      (p) => expect(p.reason).toBe("not starting while checkout-5xx is in ALARM"),
    ],
    [
      "a manual abort beats everything: a pause, a drifted rule and a pending promote do not stop it",
      {
        record: record({
          status: "paused",
          pause: { author: "bob", reason: "lunch", at: ago(5), expiresAt: ago(-60) },
          pending: { kind: "abort", author: "carol", reason: "customer reports", at: ago(1) },
        }),
        split: { ...weightsFor(12), stickiness: RUNNING_STICKY },
        health: healthy(0),
      },
      { action: "rollback", rule: "abort" },
      (p) => {
        expect(p.after).toEqual({ stableWeight: 999, canaryWeight: 0, stickiness: OFF });
        expect(p.override).toMatchObject({ kind: "abort", author: "carol" });
        expect(p.nextRecord?.pending).toBeUndefined();
      },
    ],
    [
      "promote skips the remaining steps and the bake time",
      {
        record: record({
          stepIndex: 1,
          enteredAt: ago(1),
          pending: { kind: "promote", author: "dave", reason: "looks good", at: ago(0), expiresAt: ago(-30) },
        }),
        split: at(5),
      },
      { action: "promote", rule: "promote", toStep: 4 },
      (p) => {
        expect(p.after).toEqual({ stableWeight: 0, canaryWeight: 999, stickiness: OFF });
        expect(p.nextRecord).toMatchObject({ status: "completed", stepIndex: 4 });
      },
    ],
    [
      "promote still waits for gates with data",
      {
        record: record({
          pending: { kind: "promote", author: "dave", reason: "looks good", at: ago(0), expiresAt: ago(-30) },
        }),
        alarms: gates("INSUFFICIENT_DATA"),
      },
      { action: "hold", rule: "gate-no-data" },
      () => undefined,
    ],
    [
      "a promote nobody could carry out before its expiry lapses",
      {
        record: record({
          enteredAt: ago(2),
          pending: { kind: "promote", author: "dave", reason: "looks good", at: ago(40), expiresAt: ago(10) },
        }),
      },
      { action: "hold", rule: "baking" },
      (p) => {
        expect(p.guards.map((g) => g.name)).toContain("promote-expired");
        expect(p.nextRecord?.pending).toBeUndefined();
      },
    ],
    [
      "holds on clock skew: a step entered in the future has no measurable bake time",
      { record: record({ enteredAt: ago(-5) }) },
      { action: "hold", rule: "clock-skew" },
      (p) => expect(p.reason).toMatch(/300 s after now/),
    ],
    [
      "a paused run holds",
      {
        record: record({
          status: "paused",
          pause: { author: "bob", reason: "deploy freeze", at: ago(5), expiresAt: ago(-60) },
        }),
      },
      { action: "hold", rule: "paused" },
      (p) => expect(p.override).toMatchObject({ kind: "pause", author: "bob" }),
    ],
    [
      "a paused run still rolls back when a gate goes into ALARM",
      {
        record: record({
          status: "paused",
          pause: { author: "bob", reason: "deploy freeze", at: ago(5), expiresAt: ago(-60) },
        }),
        alarms: gates("OK", "ALARM"),
      },
      { action: "rollback", rule: "gate-alarm" },
      () => undefined,
    ],
    [
      "a pause past its expiry no longer holds: the run resumes",
      {
        record: record({
          status: "paused",
          pause: { author: "bob", reason: "lunch", at: ago(90), expiresAt: ago(30) },
        }),
      },
      { action: "advance", toStep: 1 },
      (p) => {
        expect(p.guards[0]).toMatchObject({ name: "pause-expired", verdict: "passed" });
        expect(p.nextRecord).toMatchObject({ status: "running" });
        expect(p.nextRecord?.pause).toBeUndefined();
      },
    ],
    [
      "adopts the next step when a run changed the rule and stopped before saving, restarting its bake",
      { record: record({ stepIndex: 0, enteredAt: ago(30) }), split: at(5) },
      { action: "hold", rule: "baking", fromStep: 1 },
      (p) => {
        expect(p.nextRecord).toMatchObject({ stepIndex: 1, enteredAt: NOW.toISOString() });
        expect(p.guards.map((g) => g.name)).toContain("adopted-step");
      },
    ],
    [
      "holds when the rule's weights match no step of the run (changed by hand)",
      { record: record({ stepIndex: 1 }), split: { ...weightsFor(12), stickiness: RUNNING_STICKY } },
      { action: "hold", rule: "rule-drift" },
      (p) => expect(p.reason).toMatch(/sends 12% to the canary .* run is at step 2 of 5 \(5%\)/),
    ],
    [
      "reads weights 1/99 as the 1% step: the share matters, not the numbers",
      { split: { stableWeight: 99, canaryWeight: 1, stickiness: RUNNING_STICKY } },
      { action: "advance", toStep: 1 },
      () => undefined,
    ],
    [
      "does nothing without a run in progress",
      { record: undefined },
      { action: "none", rule: "idle" },
      (p) => expect(p.reason).toBe("no run in progress"),
    ],
    [
      "does nothing after a run finished",
      {
        record: record({ status: "rolled-back", ended: { at: ago(5), how: "rolled back from 5%" } }),
        split: at(0),
      },
      { action: "none", rule: "idle" },
      (p) => expect(p.reason).toBe("last run rolled back from 5%"),
    ],
  ])("%s", (_name, input, expected, check) => {
    const result = plan(input);
    expect(result).toMatchObject(expected);
    check(result);
  });

  it("runs a full progression 1% -> 5% -> 25% -> 50% -> 100% -> complete, each step after its bake time", () => {
    const start = new Date("2026-11-02T12:00:00Z");
    let current: CanaryRecord | undefined = record({
      stepIndex: BASELINE_STEP,
      enteredAt: start.toISOString(),
    });
    let split: CanarySplit = { ...weightsFor(0), stickiness: OFF };
    const changes: { minute: number; percent: number; action: string }[] = [];
    // One evaluation a minute, bounded: 5 steps of at most 30 minutes each.
    for (let minute = 0; minute <= 200 && current?.status === "running"; minute++) {
      const now = new Date(start.getTime() + minute * 60_000);
      const p = planCanaryStep({ spec, record: current, split, alarms: gates(), health: healthy(3), now });
      if (p.action === "hold") expect(p.rule).toBe("baking");
      if (p.action !== "hold") {
        split = p.after;
        changes.push({ minute, percent: canaryPercent(p.after), action: p.action });
      }
      current = p.nextRecord;
    }
    expect(changes).toEqual([
      { minute: 0, percent: 1, action: "advance" },
      { minute: 10, percent: 5, action: "advance" },
      { minute: 20, percent: 25, action: "advance" },
      { minute: 35, percent: 50, action: "advance" },
      { minute: 50, percent: 100, action: "advance" },
      { minute: 80, percent: 100, action: "complete" },
    ]);
    expect(current?.status).toBe("completed");
    expect(split).toEqual({ stableWeight: 0, canaryWeight: 999, stickiness: OFF });
  });

  it("reads gates as current states: whatever notification woke it, an alarm in ALARM rolls back", () => {
    // The input has no notification at all: a stale OK delivered after ALARM can only cause another
    // evaluation of the same current states, which still say ALARM.
    const first = plan({
      record: record({ stepIndex: 2, enteredAt: ago(20) }),
      split: at(25),
      alarms: gates("ALARM"),
    });
    expect(first.action).toBe("rollback");
    const again = plan({ record: first.nextRecord, split: first.after, alarms: gates("OK") });
    expect(again).toMatchObject({ action: "none", rule: "idle" });
  });
});
