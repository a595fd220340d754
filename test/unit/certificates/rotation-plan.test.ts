import { describe, expect, it } from "vitest";
import {
  approvePlan,
  createPlan,
  gatePlan,
  type PendingRotationPlan,
} from "../../../shared/cert-rotation/domain/pending-rotation-plan";
import { planRotation } from "../../../shared/cert-rotation/domain/plan-rotation";
import { cert, days, healthyPair, input, NOW } from "./builders";

const later = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
const { facts, certificates } = healthyPair();
const rotate = planRotation(input(facts, [...certificates, cert("next", { notAfter: days(90) })]));
const pending = createPlan("iot", rotate, NOW, 72);
const approval = { author: "oncall@example.com", reason: "reviewed the plan" };

describe("approving a stored rotation plan", () => {
  it.each([
    {
      row: "a pending plan with author and reason",
      plan: pending,
      at: later(1),
      who: approval,
      current: undefined,
      ok: true,
      reason: undefined,
    },
    {
      row: "a pending plan, the pair unchanged",
      plan: pending,
      at: later(1),
      who: approval,
      current: rotate.before,
      ok: true,
      reason: undefined,
    },
    {
      row: "a plan made from a different pair state",
      plan: pending,
      at: later(1),
      who: approval,
      current: rotate.after,
      ok: false,
      reason: /the pair changed/,
    },
    {
      row: "an expired plan",
      plan: pending,
      at: later(73),
      who: approval,
      current: undefined,
      ok: false,
      reason: /expired at/,
    },
    {
      row: "an anonymous approval",
      plan: pending,
      at: later(1),
      who: { author: " ", reason: "ok" },
      current: undefined,
      ok: false,
      reason: /author and a reason/,
    },
    {
      row: "an already applied plan",
      plan: { ...pending, status: "applied" as const },
      at: later(1),
      who: approval,
      current: undefined,
      ok: false,
      reason: /is applied, not pending/,
    },
  ])("$row -> ok=$ok", ({ plan, at, who, current, ok, reason }) => {
    const result = approvePlan(plan, who, at, current);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.reason).toMatch(reason ?? /./);
    else
      expect(result.plan).toMatchObject({ status: "approved", approval: { ...who, at: at.toISOString() } });
  });

  it("records the steps and the observed state the plan was made from", () => {
    expect(pending.steps).toEqual(rotate.steps);
    expect(pending.observed.snapshot).toEqual(rotate.before);
    expect(pending.expiresAt).toBe(later(72).toISOString());
  });
});

describe("plan mode's gate", () => {
  const approved = approvePlan(pending, approval, later(1));
  if (!approved.ok) throw new Error(approved.reason);
  const moved = planRotation(
    input({ ...facts, balancers: facts.balancers.map((b) => ({ ...b, tags: { ...b.tags, Owner: "x" } })) }, [
      ...certificates,
      cert("newer", { notAfter: days(120) }),
    ]),
  );
  it.each([
    {
      row: "no stored plan",
      stored: undefined,
      plan: rotate,
      at: later(1),
      action: "store",
      refused: undefined,
    },
    {
      row: "the same plan still pending",
      stored: pending,
      plan: rotate,
      at: later(2),
      action: "keep",
      refused: undefined,
    },
    {
      row: "the same plan pending past its expiry",
      stored: pending,
      plan: rotate,
      at: later(80),
      action: "store",
      refused: undefined,
    },
    {
      row: "the same plan, approved",
      stored: approved.plan,
      plan: rotate,
      at: later(2),
      action: "execute",
      refused: undefined,
    },
    {
      row: "an approved plan for another certificate",
      stored: approved.plan,
      plan: moved,
      at: later(2),
      action: "store",
      refused: /was not applied: the pair or the best certificate changed/,
    },
    {
      row: "an approved plan past its expiry",
      stored: approved.plan,
      plan: rotate,
      at: later(80),
      action: "store",
      refused: /was not applied: it expired/,
    },
    {
      row: "an applied plan from before",
      stored: { ...pending, status: "applied" } as PendingRotationPlan,
      plan: rotate,
      at: later(2),
      action: "store",
      refused: undefined,
    },
  ])("$row -> $action", ({ stored, plan, at, action, refused }) => {
    const gate = gatePlan(stored, plan, "iot", at, 72);
    expect(gate.action).toBe(action);
    if (gate.action === "store") {
      expect(gate.plan.status).toBe("pending");
      if (refused) expect(gate.refused).toMatch(refused);
      else expect(gate.refused).toBeUndefined();
    }
  });
});
