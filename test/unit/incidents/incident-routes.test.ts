import { describe, expect, it } from "vitest";
import type { CertDecision } from "../../../shared/cert-rotation/domain/cert-decision";
import {
  abandonedRotationRoute,
  certIncidentRoute,
} from "../../../shared/cert-rotation/domain/cert-rotation-incident";
import { type FleetApply, flowDecision } from "../../../shared/flow-control/domain/flow-control-decision";
import { flowIncidentRoute } from "../../../shared/flow-control/domain/flow-control-incident";
import { CLOSED, OPEN } from "../../../shared/flow-control/domain/intent";
import type { InstanceResult } from "../../../shared/flow-control/domain/invocation-result";
import type { FlowPlan } from "../../../shared/flow-control/domain/plan-flow-control";
import type { Mode, Outcome, Severity, Trigger } from "../../../shared/kernel/domain/decision";
import { louder, openThread, threadKey } from "../../../shared/kernel/domain/incident";
import { duration, renderIncidentRoot } from "../../../shared/kernel/domain/incident-message";

const NOW = new Date("2026-11-02T20:30:00Z");
const fleet = { name: "web", tag: { key: "Role", value: "haproxy-web" } };
const alarm: Trigger = { kind: "alarm", source: "web-overload ALARM", at: NOW.toISOString() };
const ADMIT_20 = { mode: "admitting" as const, admitRate: 20 };

const plan = (rule: FlowPlan["rule"], before: FlowPlan["before"], intent: FlowPlan["intent"]): FlowPlan => ({
  action: rule === "insufficient-data" ? "hold" : "apply",
  rule,
  ...(before ? { before } : {}),
  ...(intent ? { intent } : {}),
  intentChanged: JSON.stringify(before) !== JSON.stringify(intent),
  guards: [],
  reason: "because",
});
const converged = (mode: "open" | "closed" | "admitting", changed = true): InstanceResult => ({
  instanceId: "i-00000000000000010",
  status: "converged",
  mode,
  changed,
  message: `-> ${mode}`,
  attempts: 1,
});
const failed: InstanceResult = {
  instanceId: "i-00000000000000020",
  status: "failed",
  message: "lock held",
  attempts: 2,
};
const sent = (...instances: InstanceResult[]): FleetApply => ({ kind: "sent", instances, commandIds: ["c"] });

describe("flowIncidentRoute", () => {
  it.each<[string, FlowPlan, FleetApply, Partial<Record<string, unknown>>]>([
    [
      "opens a new incident when an open fleet is engaged, whatever an old thread says",
      plan("engage", OPEN, CLOSED),
      sent(converged("closed")),
      { opens: true, closes: false, restarts: true, severity: "warn" },
    ],
    [
      "continues the incident when admission changes on an engaged fleet",
      plan("admit", CLOSED, ADMIT_20),
      sent(converged("admitting")),
      { opens: true, closes: false, restarts: false, severity: "warn" },
    ],
    [
      "keeps the root yellow while a converge re-applies the gate (the decision itself is green)",
      { ...plan("converge", CLOSED, CLOSED), intentChanged: false },
      sent(converged("closed")),
      { opens: true, closes: false, severity: "warn" },
    ],
    [
      "continues the incident, in red, when a release fails half-way",
      plan("release", CLOSED, OPEN),
      sent(converged("open"), failed),
      { opens: true, closes: false, severity: "critical" },
    ],
    [
      "closes the incident, in green, when the release leaves every instance open",
      plan("release", CLOSED, OPEN),
      sent(converged("open")),
      { opens: false, closes: true, severity: "info" },
    ],
    [
      "closes a half-released incident when a converge run finally opens the last instance",
      { ...plan("converge", OPEN, OPEN), intentChanged: false },
      sent(converged("open")),
      { opens: false, closes: true },
    ],
    [
      "only joins an open incident with a hold on a fleet that is not engaged",
      plan("insufficient-data", OPEN, undefined),
      { kind: "not-attempted" },
      { opens: false, closes: false },
    ],
  ])("%s", (_name, p, applied, expected) => {
    const decision = flowDecision({ fleet, trigger: alarm, now: NOW, mode: "auto", plan: p, applied });
    const route = flowIncidentRoute(decision, p);
    expect(route).toMatchObject({ key: "flow-control/web", ...expected });
    expect(route?.title).toBe("Flow control · fleet web (Role=haproxy-web)");
    expect(route?.headline).toBe(decision.headline.replace("fleet web (Role=haproxy-web): ", ""));
  });

  it("joins an open incident with a notification that changed nothing, and never opens one for it", () => {
    const p: FlowPlan = { ...plan("implausible-time", CLOSED, undefined), action: "ignore" };
    const decision = flowDecision({
      fleet,
      trigger: alarm,
      now: NOW,
      mode: "auto",
      plan: p,
      applied: { kind: "not-attempted" },
    });
    expect(decision.outcome).toBe("ignored");
    expect(flowIncidentRoute(decision, p)).toMatchObject({ opens: false, closes: false });
  });

  it("joins an open incident with a failed evaluation, and never opens one for it", () => {
    const failedPlan: FlowPlan = { ...plan("evaluation-failed", undefined, undefined), reason: "throttled" };
    const decision = flowDecision({
      fleet,
      trigger: alarm,
      now: NOW,
      mode: "auto",
      plan: failedPlan,
      applied: { kind: "failed", error: { name: "Error", message: "throttled" } },
    });
    expect(flowIncidentRoute(decision, undefined)).toMatchObject({ opens: false, closes: false });
  });

  it.each<[string, Mode]>([
    ["keeps dry runs out of incidents: they store nothing, not even a thread", "dry-run"],
    ["keeps plan-mode decisions out of incidents too", "plan"],
  ])("%s", (_name, mode) => {
    const p = plan("engage", OPEN, CLOSED);
    const decision = flowDecision({
      fleet,
      trigger: alarm,
      now: NOW,
      mode,
      plan: p,
      applied: { kind: "not-attempted", wouldSendTo: ["i-1"] },
    });
    expect(flowIncidentRoute(decision, p)).toBeUndefined();
  });
});

describe("certIncidentRoute", () => {
  const certDecision = (outcome: Outcome, severity: Severity, mode: Mode = "auto"): CertDecision => ({
    automation: "cert-rotation",
    target: "iot",
    trigger: alarm,
    at: NOW.toISOString(),
    mode,
    rule: "rotate",
    headline: `iot: something ${outcome}`,
    observed: { pair: "iot", requiredHostnames: [], candidates: [], problems: [] },
    before: { balancers: [] },
    after: { balancers: [] },
    guards: [],
    outcome,
    severity,
  });

  it.each<[string, CertDecision, boolean, Record<string, unknown>]>([
    ["opens the rotation's thread with its plan", certDecision("planned", "info"), false, { closes: false }],
    [
      "keeps it open after a failed step: the next run resumes",
      certDecision("failed", "critical"),
      false,
      {},
    ],
    ["closes it when step (c) was read back", certDecision("applied", "info"), true, { closes: true }],
  ])("%s", (_name, decision, completed, expected) => {
    expect(certIncidentRoute(decision, { id: "rot-77", completed })).toMatchObject({
      key: "cert-rotation/iot/rot-77",
      title: "Certificate rotation rot-77 · pair iot",
      headline: `something ${decision.outcome}`,
      severity: decision.severity,
      opens: true,
      closes: completed,
      ...expected,
    });
  });

  it("posts dry runs and decisions about no rotation alone", () => {
    expect(certIncidentRoute(certDecision("dry-run", "info", "dry-run"), { id: "r", completed: false })).toBe(
      undefined,
    );
    expect(certIncidentRoute(certDecision("held", "warn"), undefined)).toBeUndefined();
  });

  it("closes a dropped rotation's thread without ever opening one", () => {
    expect(abandonedRotationRoute("iot", "rot-9", "certificate revoked")).toMatchObject({
      key: "cert-rotation/iot/rot-9",
      headline: "dropped before any device saw it — certificate revoked",
      opens: false,
      closes: true,
    });
  });
});

describe("incident threads", () => {
  it.each([
    ["flow-control/web", "flow-control/threads/web"],
    ["cert-rotation/iot/rot-1a2b", "cert-rotation/threads/iot/rot-1a2b"],
  ])("keeps the thread of %s in its automation's own parameters (%s)", (key, expected) => {
    expect(threadKey(key)).toBe(expected);
  });

  it.each(["web", "/web", "flow-control/"])("refuses the malformed incident key %j", (key) => {
    expect(() => threadKey(key)).toThrow(/must be "<automation>\/<what>"/);
  });

  it("continues only a stored thread that is open and has a ts", () => {
    const open = { ts: "1.1", openedAt: "t", headline: "h", severity: "warn" as const };
    expect(openThread(open)).toBe(open);
    expect(openThread({ ...open, closedAt: "t2" })).toBeUndefined();
    expect(openThread({ ...open, ts: "" })).toBeUndefined();
    expect(openThread(undefined)).toBeUndefined();
  });

  it("picks the louder severity", () => {
    expect([louder("info", "warn"), louder("critical", "warn"), louder("info", "info")]).toEqual([
      "warn",
      "critical",
      "info",
    ]);
  });

  it("renders the root with the incident's state, and how long it lasted once resolved", () => {
    const thread = { headline: "released", severity: "info" as const, openedAt: "2026-11-02T20:04:00Z" };
    const ongoing = renderIncidentRoot("Flow control · fleet web", { ...thread, severity: "warn" });
    expect(ongoing).toEqual({
      text: "Flow control · fleet web: released",
      severity: "warn",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: ":warning: *Flow control · fleet web*\nreleased" } },
        {
          type: "context",
          elements: [
            {
              type: "mrkdwn",
              text: "opened 2026-11-02T20:04:00Z · ongoing · every decision is in the thread",
            },
          ],
        },
      ],
    });
    const resolved = renderIncidentRoot("Flow control · fleet web", {
      ...thread,
      closedAt: "2026-11-02T22:09:00Z",
    });
    expect(resolved.text).toBe("Resolved — Flow control · fleet web: released");
    expect(JSON.stringify(resolved.blocks)).toContain(
      "resolved 2026-11-02T22:09:00Z after 2 h 05 min · every decision",
    );
  });

  it.each([
    ["2026-11-02T20:04:00Z", "2026-11-02T20:15:00Z", "11 min"],
    ["2026-11-02T20:04:00Z", "2026-11-02T22:09:00Z", "2 h 05 min"],
    ["2026-11-02T20:00:00Z", "2026-11-05T00:00:00Z", "2 d 4 h"],
    ["not a time", "2026-11-05T00:00:00Z", "?"],
  ])("says %s to %s lasted %s", (from, to, expected) => {
    expect(duration(from, to)).toBe(expected);
  });
});
