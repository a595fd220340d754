import { describe, expect, it } from "vitest";
import { certDecision } from "../../../shared/cert-rotation/domain/cert-decision";
import { renderCertRotationMessage } from "../../../shared/cert-rotation/domain/cert-rotation-message";
import { planRotation } from "../../../shared/cert-rotation/domain/plan-rotation";
import {
  answeredBlocks,
  BUTTON_ACTIONS,
  buttonRequest,
  incidentRootButtons,
  planButtons,
} from "../../../shared/kernel/domain/buttons";
import { renderIncidentRoot } from "../../../shared/kernel/domain/incident-message";
import { cert, days, healthyPair, input, NOW } from "../certificates/builders";

const who = { author: "alice", reason: "Slack button (U0ALICE01)" };

describe("Slack buttons", () => {
  it.each([
    [BUTTON_ACTIONS.approve, "plan-1a2b3c4d", { action: "approve", planId: "plan-1a2b3c4d", ...who }],
    [BUTTON_ACTIONS.reject, "plan-1a2b3c4d", { action: "reject", planId: "plan-1a2b3c4d", ...who }],
    [
      BUTTON_ACTIONS.pauseHour,
      "flow-control/web",
      { action: "pause", automation: "flow-control", target: "web", expiresInMinutes: 60, ...who },
    ],
    [
      BUTTON_ACTIONS.resume,
      "flow-control/web",
      { action: "resume", automation: "flow-control", target: "web", ...who },
    ],
  ])("turns %s %s into the override request the CLI would send", (actionId, value, payload) => {
    expect(buttonRequest(actionId, value, who)).toEqual({ ok: true, payload });
  });

  it.each([
    ["autopilot-delete-everything", "x", /unknown button/],
    [BUTTON_ACTIONS.pauseHour, "flow-control", /not <automation>\/<target>/],
    [BUTTON_ACTIONS.resume, "/web", /not <automation>\/<target>/],
  ])("names what is wrong with %s %s", (actionId, value, problem) => {
    const built = buttonRequest(actionId, value, who);
    expect(built.ok).toBe(false);
    expect(built.ok ? "" : built.problem).toMatch(problem);
  });

  it("puts Pause 1 h / Resume on an ongoing flow-control root, and drops them once resolved", () => {
    const actions = incidentRootButtons("flow-control/web");
    const thread = { headline: "closed", severity: "warn" as const, openedAt: "2026-12-05T20:04:00Z" };
    const ongoing = renderIncidentRoot("Flow control · web", thread, actions);
    expect(ongoing.blocks.at(-1)).toEqual(actions);
    expect(actions?.elements.map((e) => [e.text.text, e.value])).toEqual([
      ["Pause 1 h", "flow-control/web"],
      ["Resume", "flow-control/web"],
    ]);
    const resolved = renderIncidentRoot(
      "Flow control · web",
      { ...thread, closedAt: "2026-12-05T20:15:00Z" },
      actions,
    );
    expect(resolved.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(incidentRootButtons("cert-rotation/iot/rot-1")).toBeUndefined();
  });

  it("answers a message in place: the buttons go, a line says who did what", () => {
    const blocks = [
      { type: "section", text: { type: "mrkdwn", text: "plan" } },
      planButtons("plan-1a2b3c4d"),
    ];
    expect(answeredBlocks(blocks, "✅ approved by alice")).toEqual([
      blocks[0],
      { type: "context", elements: [{ type: "mrkdwn", text: "✅ approved by alice" }] },
    ]);
  });

  it.each([
    ["pending", true],
    ["approved", false],
  ])("a rotation plan %s carries Approve / Reject: %s", (status, shown) => {
    const { facts, certificates } = healthyPair();
    const next = cert("next", { notAfter: days(90) });
    const plan = planRotation(input(facts, [...certificates, next]));
    const decision = certDecision({
      pair: "iot",
      trigger: { kind: "schedule", source: "daily", at: NOW.toISOString() },
      now: NOW,
      mode: "plan",
      plan,
      applied: { kind: "planned", planId: "plan-iot-1a2b", expiresAt: days(1), repeated: false },
      certificates: new Map([...certificates, next].map((c) => [c.arn, c])),
      observed: {
        pair: "iot",
        requiredHostnames: plan.required,
        candidates: plan.candidates,
        problems: [],
        plan: { id: "plan-iot-1a2b", status, expiresAt: days(1) },
      },
    });
    const actions = renderCertRotationMessage(decision).blocks.filter((b) => b.type === "actions");
    expect(actions).toEqual(shown ? [planButtons("plan-iot-1a2b")] : []);
  });
});
