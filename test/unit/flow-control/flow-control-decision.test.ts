import { describe, expect, it } from "vitest";
import {
  type FleetApply,
  flowDecision,
  slackWorthiness,
  unknownAlarmDecision,
} from "../../../shared/flow-control/domain/flow-control-decision";
import { CLOSED, OPEN } from "../../../shared/flow-control/domain/intent";
import type { InstanceResult } from "../../../shared/flow-control/domain/invocation-result";
import type { FlowPlan } from "../../../shared/flow-control/domain/plan-flow-control";
import type { Mode, Trigger } from "../../../shared/kernel/domain/decision";

const NOW = new Date("2026-11-02T20:30:00Z");
const fleet = { name: "web", tag: { key: "Role", value: "haproxy-web" } };
const alarm: Trigger = { kind: "alarm", source: "web-overload ALARM", at: "2026-11-02T20:29:58.000Z" };
const schedule: Trigger = {
  kind: "schedule",
  source: "arn:aws:events:eu-west-1:123456789012:rule/converge",
  at: NOW.toISOString(),
};

const engage: FlowPlan = {
  action: "apply",
  rule: "engage",
  before: OPEN,
  intent: CLOSED,
  intentChanged: true,
  guards: [],
  reason: "web-overload OK → ALARM",
};
const converge: FlowPlan = {
  ...engage,
  rule: "converge",
  before: CLOSED,
  intentChanged: false,
  reason: "re-sending closed",
};
const instance = (n: number, status: InstanceResult["status"], changed = true): InstanceResult => ({
  instanceId: `i-000000000000000${n}0`,
  status,
  ...(status === "converged" ? { mode: "closed" as const, changed } : {}),
  message: status === "converged" ? "open -> closed" : `${status} here`,
  attempts: 1,
});
const sent = (...instances: InstanceResult[]): FleetApply => ({
  kind: "sent",
  instances,
  commandIds: ["c-1"],
});
const decide = (plan: FlowPlan, applied: FleetApply, trigger = alarm, mode: Mode = "auto") =>
  flowDecision({ fleet, trigger, now: NOW, mode, plan, applied });

describe("flowDecision", () => {
  it.each<[string, FlowPlan, FleetApply, Mode, Record<string, unknown>]>([
    [
      "applies an engage that every instance confirmed, in warning colour (users are turned away)",
      engage,
      sent(instance(1, "converged"), instance(2, "converged")),
      "auto",
      { outcome: "applied", severity: "warn", after: { mode: "closed", admitRate: 0 } },
    ],
    [
      "reports a release in green",
      { ...engage, rule: "release", before: CLOSED, intent: OPEN },
      sent(instance(1, "converged")),
      "auto",
      { outcome: "applied", severity: "info", after: { mode: "open", admitRate: 0 } },
    ],
    [
      "reports nothing changed when every instance already served the intent",
      converge,
      sent(instance(1, "converged", false), instance(2, "converged", false)),
      "auto",
      { outcome: "unchanged", severity: "info" },
    ],
    [
      "calls a converge that fixed one instance applied",
      converge,
      sent(instance(1, "converged", false), instance(2, "converged", true)),
      "auto",
      { outcome: "applied" },
    ],
    [
      "fails loudly when one instance did not converge, naming the partial failure",
      engage,
      sent(instance(1, "converged"), instance(2, "failed"), instance(3, "undeliverable")),
      "auto",
      {
        outcome: "failed",
        severity: "critical",
        error: expect.objectContaining({ name: "FleetPartialFailureError" }),
      },
    ],
    [
      "fails when the tag matches no running instance",
      engage,
      sent(),
      "auto",
      { outcome: "failed", error: expect.objectContaining({ name: "EmptyFleetError" }) },
    ],
    [
      "fails with the error when the fleet could not be reached at all",
      engage,
      { kind: "failed", error: { name: "AwsCallError", message: "AccessDenied" } },
      "auto",
      { outcome: "failed", severity: "critical", error: { name: "AwsCallError", message: "AccessDenied" } },
    ],
    [
      "records a dry run without claiming the change",
      engage,
      { kind: "not-attempted", wouldSendTo: ["i-1", "i-2"] },
      "dry-run",
      { outcome: "dry-run", after: { mode: "open", admitRate: 0 } },
    ],
    [
      "holds in warning colour",
      {
        ...engage,
        action: "hold",
        rule: "insufficient-data",
        before: CLOSED,
        intent: undefined,
        intentChanged: false,
      },
      { kind: "not-attempted" },
      "auto",
      { outcome: "held", severity: "warn", after: { mode: "closed", admitRate: 0 } },
    ],
    [
      "ignores a stale notification quietly",
      { ...engage, action: "ignore", rule: "stale", before: CLOSED, intent: undefined, intentChanged: false },
      { kind: "not-attempted" },
      "auto",
      { outcome: "ignored", severity: "info" },
    ],
  ])("%s", (_name, plan, applied, mode, expected) => {
    expect(decide(plan, applied, alarm, mode)).toMatchObject(expected);
  });

  it("lists every instance with its counts and the SSM command ids", () => {
    const decision = decide(
      engage,
      sent(instance(1, "converged"), instance(2, "failed"), instance(3, "running")),
    );
    expect(decision.observed.instances).toHaveLength(3);
    expect(decision.observed.counts).toEqual({ converged: 1, failed: 1, undeliverable: 0, running: 1 });
    expect(decision.change).toEqual({
      commandIds: "c-1",
      converged: 1,
      failed: 1,
      undeliverable: 0,
      running: 1,
    });
    expect(decision.headline).toBe(
      "fleet web (Role=haproxy-web): PARTIAL — 1/3 instances closed; 1 failed, 1 still running — the converge run retries",
    );
  });

  it("says who engaged the gate in the headline", () => {
    expect(decide(engage, sent(instance(1, "converged"))).headline).toBe(
      "fleet web (Role=haproxy-web): flow control ENGAGED — 1/1 instances closed (web-overload OK → ALARM)",
    );
  });

  it("reports an alarm no fleet maps, naming the alarms that are configured", () => {
    const decision = unknownAlarmDecision({
      signal: { alarmName: "db-cpu", state: "ALARM", stateChangeTime: NOW.toISOString() },
      trigger: alarm,
      now: NOW,
      mode: "auto",
      knownAlarms: ["web-overload", "web-overload-cleared"],
    });
    expect(decision).toMatchObject({
      rule: "unknown-alarm",
      outcome: "ignored",
      severity: "warn",
      target: "alarm:db-cpu",
    });
    expect(decision.headline).toContain("configured alarms: web-overload, web-overload-cleared");
  });
});

describe("slackWorthiness", () => {
  const previous = (unconverged?: string[]) => ({
    intent: CLOSED,
    source: { alarmName: "web-overload", state: "ALARM" as const, stateChangeTime: NOW.toISOString() },
    appliedAt: NOW.toISOString(),
    seen: [],
    ...(unconverged ? { unconverged } : {}),
  });
  const ignored = (rule: FlowPlan["rule"]): FlowPlan => ({
    ...engage,
    action: "ignore",
    rule,
    intentChanged: false,
  });

  it.each<[string, FlowPlan, FleetApply, Trigger, string[] | undefined, boolean]>([
    ["posts every alarm-driven change", engage, sent(instance(1, "converged")), alarm, undefined, true],
    [
      "posts an alarm that found the fleet already in its mode",
      converge,
      sent(instance(1, "converged", false)),
      alarm,
      undefined,
      true,
    ],
    [
      "only logs a duplicate delivery",
      ignored("duplicate"),
      { kind: "not-attempted" },
      alarm,
      undefined,
      false,
    ],
    ["only logs a stale notification", ignored("stale"), { kind: "not-attempted" }, alarm, undefined, false],
    ["posts an unknown alarm", ignored("unknown-alarm"), { kind: "not-attempted" }, alarm, undefined, true],
    [
      "keeps a converge run that changed nothing out of Slack",
      converge,
      sent(instance(1, "converged", false)),
      schedule,
      undefined,
      false,
    ],
    [
      "posts a converge run that fixed an instance",
      converge,
      sent(instance(1, "converged", true)),
      schedule,
      undefined,
      true,
    ],
    [
      "posts a converge run's failure once per episode",
      converge,
      sent(instance(1, "converged", false), instance(2, "failed")),
      schedule,
      [],
      true,
    ],
    [
      "stays quiet while the same instances keep failing",
      converge,
      sent(instance(1, "converged", false), instance(2, "failed")),
      schedule,
      ["i-00000000000000020"],
      false,
    ],
  ])("%s", (_name, plan, applied, trigger, before, post) => {
    const decision = decide(plan, applied, trigger);
    expect(slackWorthiness(decision, before === undefined ? undefined : previous(before)).post).toBe(post);
  });

  describe("holds, once per episode", () => {
    const noData: FlowPlan = {
      ...engage,
      action: "hold",
      rule: "insufficient-data",
      before: CLOSED,
      intentChanged: false,
    };
    const { intent: _, ...noDataPlan } = noData;
    const heldRelease: FlowPlan = {
      ...engage,
      action: "hold",
      rule: "min-engaged-time",
      before: CLOSED,
      intent: OPEN,
      intentChanged: false,
    };
    const worth = (plan: FlowPlan, heldEpisode?: string, trigger = alarm) =>
      slackWorthiness(
        decide(plan, { kind: "not-attempted" }, trigger),
        { ...previous(), heldEpisode },
        plan.intent,
      );

    it("posts the first hold of an episode and remembers it", () => {
      const first = worth(noDataPlan);
      expect(first).toMatchObject({ post: true, heldEpisode: "insufficient-data:closed/0->-" });
    });

    it("stays quiet when another alarm of the fleet loses its data in the same outage", () => {
      const first = worth(noDataPlan);
      expect(worth(noDataPlan, first.heldEpisode)).toMatchObject({
        post: false,
        heldEpisode: first.heldEpisode,
      });
    });

    it("stays quiet when the release alarm flaps while its release is held", () => {
      const first = worth(heldRelease);
      expect(first.heldEpisode).toBe("min-engaged-time:closed/0->open");
      // ALARM -> OK (no intent) -> ALARM: the OK in between does not end the held release's episode.
      const between = worth(ignored("no-intent"), first.heldEpisode);
      expect(between).toMatchObject({ post: false, heldEpisode: first.heldEpisode });
      expect(worth(heldRelease, between.heldEpisode).post).toBe(false);
    });

    it("posts a held release after a no-data hold: a different hold is news", () => {
      expect(worth(heldRelease, worth(noDataPlan).heldEpisode).post).toBe(true);
    });

    it("ends the episode when an alarm has data again, so the next outage is posted", () => {
      const back = worth(ignored("no-intent"), "insufficient-data:closed/0->-");
      expect(back).toEqual({ post: false, unconverged: [] });
    });

    it("keeps the episode through duplicates, stale notifications and plain converge runs", () => {
      const episode = "insufficient-data:closed/0->-";
      expect(worth(ignored("duplicate"), episode).heldEpisode).toBe(episode);
      expect(worth(ignored("stale"), episode).heldEpisode).toBe(episode);
      expect(worth(converge, episode, schedule).heldEpisode).toBe(episode);
    });

    it("keeps the episode through a reported notification that changed nothing", () => {
      const episode = "insufficient-data:closed/0->-";
      expect(worth(ignored("implausible-time"), episode)).toMatchObject({ post: true, heldEpisode: episode });
    });

    it("ends the episode when a change is applied", () => {
      const decision = decide(engage, sent(instance(1, "converged")));
      expect(slackWorthiness(decision, { ...previous(), heldEpisode: "x" }, CLOSED)).toEqual({
        post: true,
        unconverged: [],
      });
    });
  });

  it("returns the instances that did not converge, to remember for the next run", () => {
    const decision = decide(
      converge,
      sent(instance(3, "running"), instance(1, "converged"), instance(2, "failed")),
      schedule,
    );
    expect(slackWorthiness(decision, undefined).unconverged).toEqual([
      "i-00000000000000020",
      "i-00000000000000030",
    ]);
  });
});
