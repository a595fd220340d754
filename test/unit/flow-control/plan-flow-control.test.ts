import { describe, expect, it } from "vitest";
import { CLOSED, notificationKey, OPEN } from "../../../shared/flow-control/domain/intent";
import {
  type FlowPlan,
  planAlarm,
  planConverge,
} from "../../../shared/flow-control/domain/plan-flow-control";
import type {
  AlarmSignal,
  FleetPolicy,
  FleetState,
  FlowIntent,
} from "../../../shared/flow-control/domain/types";

const NOW = new Date("2026-11-02T20:30:00Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const admit = (admitRate: number): FlowIntent => ({ mode: "admitting", admitRate });

/** Two-alarm setup, a one-alarm setup and a graded level, all on one fleet. */
const fleet: FleetPolicy = {
  name: "web",
  tag: { key: "Role", value: "haproxy-web" },
  minEngagedMinutes: 10,
  alarms: [
    { alarmName: "web-overload", onAlarm: CLOSED },
    { alarmName: "web-overload-cleared", onAlarm: OPEN },
    { alarmName: "web-latency", onAlarm: CLOSED, onOk: OPEN },
    { alarmName: "web-queue-depth", onAlarm: admit(50) },
  ],
};

const signal = (alarmName: string, state: AlarmSignal["state"], minutesAgo: number): AlarmSignal => ({
  alarmName,
  state,
  previousState: state === "ALARM" ? "OK" : "ALARM",
  stateChangeTime: ago(minutesAgo),
});

/** Closed by web-overload 20 minutes ago (engaged since then). */
/** How the state remembers a notification (a digest of its alarm, state and time). */
const key = (alarmName: string, state: "ALARM" | "OK" | "INSUFFICIENT_DATA", at: string) =>
  notificationKey({ alarmName, state, stateChangeTime: at });
const closedSince = (minutes: number, extra: Partial<FleetState> = {}): FleetState => ({
  intent: CLOSED,
  source: { alarmName: "web-overload", state: "ALARM", stateChangeTime: ago(minutes) },
  appliedAt: ago(minutes),
  engagedAt: ago(minutes),
  seen: [key("web-overload", "ALARM", ago(minutes))],
  ...extra,
});
const openSince = (minutes: number): FleetState => ({
  intent: OPEN,
  source: { alarmName: "web-overload-cleared", state: "ALARM", stateChangeTime: ago(minutes) },
  appliedAt: ago(minutes),
  seen: [],
});

describe("planAlarm", () => {
  it.each<[string, AlarmSignal, FleetState | undefined, (p: FlowPlan) => void]>([
    [
      "engages at once when the engage alarm fires on a fleet flow control never touched",
      signal("web-overload", "ALARM", 1),
      undefined,
      (p) => {
        expect([p.action, p.rule, p.intentChanged]).toEqual(["apply", "engage", true]);
        expect(p.intent).toEqual(CLOSED);
        expect(p.nextState?.engagedAt).toBe(NOW.toISOString());
        expect(p.nextState?.seen).toEqual([key("web-overload", "ALARM", ago(1))]);
      },
    ],
    [
      "releases with the release alarm of the two-alarm setup once engaged long enough",
      signal("web-overload-cleared", "ALARM", 1),
      closedSince(20),
      (p) => {
        expect([p.action, p.rule, p.intentChanged]).toEqual(["apply", "release", true]);
        expect(p.intent).toEqual(OPEN);
        expect(p.guards).toEqual([expect.objectContaining({ name: "min-engaged-time", verdict: "passed" })]);
        expect(p.nextState?.engagedAt).toBeUndefined();
      },
    ],
    [
      "releases on OK in the one-alarm setup",
      signal("web-latency", "OK", 1),
      closedSince(20),
      (p) => {
        expect([p.action, p.rule]).toEqual(["apply", "release"]);
        expect(p.nextState?.source).toEqual({
          alarmName: "web-latency",
          state: "OK",
          stateChangeTime: ago(1),
        });
      },
    ],
    [
      "engages on ALARM in the one-alarm setup",
      signal("web-latency", "ALARM", 1),
      openSince(60),
      (p) => {
        expect([p.action, p.rule, p.intentChanged]).toEqual(["apply", "engage", true]);
        expect(p.before).toEqual(OPEN);
      },
    ],
    [
      "admits N new users per second for a graded level, immediately when it tightens an open fleet",
      signal("web-queue-depth", "ALARM", 1),
      openSince(60),
      (p) => {
        expect([p.action, p.rule]).toEqual(["apply", "admit"]);
        expect(p.intent).toEqual(admit(50));
        expect(p.nextState?.engagedAt).toBe(NOW.toISOString());
      },
    ],
    [
      "holds a graded level that would relax a closed fleet before the minimum engaged time",
      signal("web-queue-depth", "ALARM", 1),
      closedSince(4),
      (p) => {
        expect([p.action, p.rule]).toEqual(["hold", "min-engaged-time"]);
        expect(p.nextState?.pendingRelease?.intent).toEqual(admit(50));
      },
    ],
    [
      "holds a release before the minimum engaged time and stores it for the scheduled run",
      signal("web-overload-cleared", "ALARM", 1),
      closedSince(4),
      (p) => {
        expect([p.action, p.rule, p.intentChanged]).toEqual(["hold", "min-engaged-time", false]);
        expect(p.guards[0]).toMatchObject({ name: "min-engaged-time", verdict: "blocked" });
        expect(p.guards[0]?.detail).toContain("engaged 4 of 10 min");
        expect(p.nextState?.intent).toEqual(CLOSED);
        expect(p.nextState?.pendingRelease).toEqual({
          intent: OPEN,
          source: { alarmName: "web-overload-cleared", state: "ALARM", stateChangeTime: ago(1) },
          heldAt: NOW.toISOString(),
        });
      },
    ],
    [
      "keeps the engaged-since time when the engage alarm fires again, and re-sends close",
      signal("web-overload", "ALARM", 2),
      closedSince(20),
      (p) => {
        expect([p.action, p.rule, p.intentChanged]).toEqual(["apply", "engage", false]);
        expect(p.nextState?.engagedAt).toBe(ago(20));
      },
    ],
    [
      "tightens without waiting even right after a release",
      signal("web-overload", "ALARM", 0),
      openSince(1),
      (p) => expect([p.action, p.rule]).toEqual(["apply", "engage"]),
    ],
    [
      "ignores a duplicate delivery of the notification already applied",
      signal("web-overload", "ALARM", 20),
      closedSince(20),
      (p) => {
        expect([p.action, p.rule]).toEqual(["ignore", "duplicate"]);
        expect(p.nextState).toEqual(closedSince(20));
      },
    ],
    [
      "ignores a notification older than the intent in force (out of order) and records it as seen",
      signal("web-latency", "OK", 25),
      closedSince(20),
      (p) => {
        expect([p.action, p.rule]).toEqual(["ignore", "stale"]);
        expect(p.reason).toContain("older than the intent in force");
        expect(p.nextState?.intent).toEqual(CLOSED);
        expect(p.nextState?.seen).toContain(key("web-latency", "OK", ago(25)));
      },
    ],
    [
      "holds on INSUFFICIENT_DATA and says an alarm without data is no recovery",
      signal("web-latency", "INSUFFICIENT_DATA", 1),
      closedSince(20),
      (p) => {
        expect([p.action, p.rule]).toEqual(["hold", "insufficient-data"]);
        expect(p.reason).toContain("keeping closed");
        expect(p.nextState?.intent).toEqual(CLOSED);
      },
    ],
    [
      "ignores a state the mapping gives no meaning (the engage alarm going back to OK)",
      signal("web-overload", "OK", 1),
      closedSince(20),
      (p) => {
        expect([p.action, p.rule]).toEqual(["ignore", "no-intent"]);
        expect(p.nextState?.intent).toEqual(CLOSED);
      },
    ],
    [
      "ignores an alarm this fleet does not map",
      signal("db-cpu", "ALARM", 1),
      closedSince(20),
      (p) => expect([p.action, p.rule]).toEqual(["ignore", "unknown-alarm"]),
    ],
    [
      "clears a pending release when a newer engage notification arrives",
      signal("web-overload", "ALARM", 1),
      closedSince(8, {
        pendingRelease: {
          intent: OPEN,
          source: { alarmName: "web-overload-cleared", state: "ALARM", stateChangeTime: ago(3) },
          heldAt: ago(3),
        },
      }),
      (p) => {
        expect([p.action, p.rule]).toEqual(["apply", "engage"]);
        expect(p.nextState?.pendingRelease).toBeUndefined();
      },
    ],
    [
      "keeps a pending release that is newer than a late engage notification",
      signal("web-overload", "ALARM", 5),
      closedSince(8, {
        pendingRelease: {
          intent: OPEN,
          source: { alarmName: "web-overload-cleared", state: "ALARM", stateChangeTime: ago(3) },
          heldAt: ago(3),
        },
      }),
      (p) => expect(p.nextState?.pendingRelease?.intent).toEqual(OPEN),
    ],
  ])("%s", (_name, alarm, state, check) => {
    check(planAlarm({ signal: alarm, fleet, state, now: NOW }));
  });

  it("remembers at most the 20 newest notification keys", () => {
    const seen = Array.from({ length: 20 }, (_, i) => key("old", "ALARM", String(i)));
    const plan = planAlarm({
      signal: signal("web-overload", "ALARM", 1),
      fleet,
      state: closedSince(20, { seen }),
      now: NOW,
    });
    expect(plan.nextState?.seen).toHaveLength(20);
    expect(plan.nextState?.seen.at(-1)).toBe(key("web-overload", "ALARM", ago(1)));
    expect(plan.nextState?.seen).not.toContain(key("old", "ALARM", "0"));
  });
});

describe("planConverge", () => {
  const pending = (heldMinutesAgo: number) => ({
    intent: OPEN,
    source: {
      alarmName: "web-overload-cleared",
      state: "ALARM" as const,
      stateChangeTime: ago(heldMinutesAgo),
    },
    heldAt: ago(heldMinutesAgo),
  });

  it.each<[string, FleetState | undefined, (p: FlowPlan) => void]>([
    [
      "does nothing for a fleet flow control never acted on",
      undefined,
      (p) => {
        expect([p.action, p.rule]).toEqual(["ignore", "nothing-stored"]);
        expect(p.nextState).toBeUndefined();
      },
    ],
    [
      "re-sends the intent in force so instances that missed it converge",
      closedSince(20),
      (p) => {
        expect([p.action, p.rule, p.intentChanged]).toEqual(["apply", "converge", false]);
        expect(p.intent).toEqual(CLOSED);
        expect(p.nextState).toEqual(closedSince(20));
      },
    ],
    [
      "applies a held release once the minimum engaged time has passed",
      closedSince(11, { pendingRelease: pending(8) }),
      (p) => {
        expect([p.action, p.rule, p.intentChanged]).toEqual(["apply", "release", true]);
        expect(p.intent).toEqual(OPEN);
        expect(p.nextState?.pendingRelease).toBeUndefined();
        expect(p.nextState?.source.alarmName).toBe("web-overload-cleared");
      },
    ],
    [
      "keeps re-sending the intent in force while a held release is not due yet",
      closedSince(6, { pendingRelease: pending(2) }),
      (p) => {
        expect([p.action, p.rule]).toEqual(["apply", "converge"]);
        expect(p.intent).toEqual(CLOSED);
        expect(p.guards[0]).toMatchObject({ name: "min-engaged-time", verdict: "blocked" });
        expect(p.nextState?.pendingRelease).toEqual(pending(2));
      },
    ],
  ])("%s", (_name, state, check) => {
    check(planConverge({ fleet, state, now: NOW }));
  });
});
