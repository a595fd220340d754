import { describe, expect, it } from "vitest";
import {
  type CertApplyResult,
  certDecision,
  slackWorthiness,
} from "../../../shared/cert-rotation/domain/cert-decision";
import { type CertPlan, planRotation } from "../../../shared/cert-rotation/domain/plan-rotation";
import type { Mode } from "../../../shared/kernel/domain/decision";
import { cert, days, healthyPair, input, NOW } from "./builders";

const { facts, certificates } = healthyPair();
const next = cert("next", { notAfter: days(90) });
const all = new Map([...certificates, next].map((c) => [c.arn, c]));
const rotate = planRotation(input(facts, [...certificates, next]));
const inSync = planRotation(input(facts, certificates));
const expiring = planRotation(
  input(healthyPair(cert("serving", { notAfter: days(12) }), cert("idle", { notAfter: days(3) })).facts, [
    cert("serving", { notAfter: days(12) }),
    cert("idle", { notAfter: days(3) }),
  ]),
);
const trigger = { kind: "schedule" as const, source: "rule/cert-rotation", at: NOW.toISOString() };
const failed: CertApplyResult = {
  kind: "failed",
  stepsDone: rotate.steps.slice(0, 1),
  failedStep: rotate.steps[1],
  error: { name: "VerificationError", message: "tag did not read back" },
};

function decide(plan: CertPlan, applied: CertApplyResult, mode: Mode = "auto") {
  return certDecision({
    pair: "iot",
    trigger,
    now: NOW,
    mode,
    plan,
    applied,
    certificates: all,
    observed: {
      pair: "iot",
      requiredHostnames: plan.required,
      candidates: plan.candidates,
      problems: plan.problems,
    },
  });
}

describe("the cert-rotation Decision and when it reaches Slack", () => {
  it.each([
    {
      row: "an applied rotation",
      plan: rotate,
      applied: {
        kind: "applied",
        stepsDone: rotate.steps,
        dns: { changeId: "C1", status: "INSYNC" },
      } as CertApplyResult,
      mode: "auto" as Mode,
      previous: undefined,
      outcome: "applied",
      severity: "info",
      post: true,
    },
    {
      row: "a failed step",
      plan: rotate,
      applied: failed,
      mode: "auto" as Mode,
      previous: undefined,
      outcome: "failed",
      severity: "critical",
      post: true,
    },
    {
      row: "a dry run, first time",
      plan: rotate,
      applied: { kind: "not-attempted" } as CertApplyResult,
      mode: "dry-run" as Mode,
      previous: undefined,
      outcome: "dry-run",
      severity: "info",
      post: true,
    },
    {
      row: "the same dry run again",
      plan: rotate,
      applied: { kind: "not-attempted" } as CertApplyResult,
      mode: "dry-run" as Mode,
      previous: `dry-run:${rotate.rotation?.id}`,
      outcome: "dry-run",
      severity: "info",
      post: false,
    },
    {
      row: "a new plan",
      plan: rotate,
      applied: { kind: "planned", planId: "plan-1", expiresAt: "x", repeated: false } as CertApplyResult,
      mode: "plan" as Mode,
      previous: undefined,
      outcome: "planned",
      severity: "info",
      post: true,
    },
    {
      row: "a refused stale approval and a new plan",
      plan: rotate,
      applied: {
        kind: "planned",
        planId: "plan-2",
        expiresAt: "x",
        repeated: false,
        refused: "approved plan plan-1 was not applied: the pair changed",
      } as CertApplyResult,
      mode: "plan" as Mode,
      previous: "plan:plan-1",
      outcome: "planned",
      severity: "warn",
      post: true,
    },
    {
      row: "the plan still waiting",
      plan: rotate,
      applied: { kind: "planned", planId: "plan-1", expiresAt: "x", repeated: true } as CertApplyResult,
      mode: "plan" as Mode,
      previous: "plan:plan-1",
      outcome: "planned",
      severity: "info",
      post: false,
    },
    {
      row: "a lost race for the pair",
      plan: rotate,
      applied: { kind: "conflict", detail: "changed while we worked" } as CertApplyResult,
      mode: "auto" as Mode,
      previous: undefined,
      outcome: "held",
      severity: "warn",
      post: false,
    },
    {
      row: "an in-sync pair",
      plan: inSync,
      applied: { kind: "not-attempted" } as CertApplyResult,
      mode: "auto" as Mode,
      previous: "expiry:x:3",
      outcome: "unchanged",
      severity: "info",
      post: false,
    },
    {
      row: "an expiry alert, first today",
      plan: expiring,
      applied: { kind: "not-attempted" } as CertApplyResult,
      mode: "auto" as Mode,
      previous: undefined,
      outcome: "held",
      severity: "warn",
      post: true,
    },
    {
      row: "the same expiry alert later the same day",
      plan: expiring,
      applied: { kind: "not-attempted" } as CertApplyResult,
      mode: "auto" as Mode,
      previous: expiring.alert?.episode,
      outcome: "held",
      severity: "warn",
      post: false,
    },
  ])(
    "$row -> $outcome, $severity, post=$post",
    ({ plan, applied, mode, previous, outcome, severity, post }) => {
      const decision = decide(plan, applied, mode);
      expect(decision.outcome).toBe(outcome);
      expect(decision.severity).toBe(severity);
      expect(slackWorthiness(decision, plan, applied, previous).post).toBe(post);
    },
  );

  it("shows after a failure exactly the steps that were done", () => {
    const decision = decide(rotate, failed);
    const b = decision.after.balancers.find((x) => x.name === "iot-b");
    expect(b).toMatchObject({ color: "blue", certificateArn: next.arn, dns: false });
    expect(decision.change).toMatchObject({ stepsDone: 1, failedStep: "set-color" });
    expect(decision.headline).toMatch(/FAILED at set-color/);
  });

  it("forgets the episode once the pair is in sync, so a recurring problem is posted again", () => {
    const decision = decide(inSync, { kind: "not-attempted" });
    expect(
      slackWorthiness(decision, inSync, { kind: "not-attempted" }, "expiry:x:3").episode,
    ).toBeUndefined();
  });
});
