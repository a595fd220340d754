import { describe, expect, it } from "vitest";
import {
  approveWeightPlan,
  createWeightPlan,
  gateWeightPlan,
} from "../../../shared/origin-balancer/domain/pending-weight-plan";
import type { BalancerPlan } from "../../../shared/origin-balancer/domain/plan-weights";

const now = new Date("2026-12-02T10:00:00Z");
const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const offload: BalancerPlan = {
  rule: "offload",
  before: { primary: 254, elastic: 1 },
  after: { primary: 163, elastic: 92 },
  changed: true,
  urgent: false,
  direction: 1,
  guards: [],
  nextState: { recentChanges: [] },
  reason: "primary projected at 130% of capacity",
};
const pending = createWeightPlan("images", offload, now, 30);
const approved = { ...pending, status: "approved" as const, approval: { author: "a", reason: "r", at: "t" } };

describe("plan mode for the origin balancer", () => {
  it.each([
    ["nothing stored: store a new plan", undefined, offload, 1, "store"],
    ["the same plan waits: keep it quietly", pending, offload, 1, "keep"],
    ["approved and the weights unchanged: execute", approved, offload, 1, "execute"],
    [
      "approved but weights moved: store again",
      approved,
      { ...offload, before: { primary: 240, elastic: 15 } },
      1,
      "store",
    ],
    [
      "approved but the load turned: store again",
      approved,
      { ...offload, direction: -1 as const },
      1,
      "store",
    ],
    ["approved but expired: store again", approved, offload, 31, "store"],
    [
      "applied before: a new change is a new plan",
      { ...pending, status: "applied" as const },
      offload,
      1,
      "store",
    ],
  ])("%s", (_name, stored, plan, minutes, action) => {
    expect(gateWeightPlan(stored, plan as BalancerPlan, "images", later(minutes), 30).action).toBe(action);
  });

  it("says why an approval was not honoured", () => {
    const gate = gateWeightPlan(
      approved,
      { ...offload, before: { primary: 240, elastic: 15 } },
      "images",
      later(1),
      30,
    );
    expect(gate.action === "store" && gate.refused).toBe(
      `approved plan ${pending.id} was not applied: the weights changed since it was made`,
    );
  });

  it("approves only a pending plan that has not expired", () => {
    expect(approveWeightPlan(pending, { author: "a", reason: "r" }, later(1)).ok).toBe(true);
    expect(approveWeightPlan(pending, { author: "a", reason: "r" }, later(30))).toEqual({
      ok: false,
      reason: `plan ${pending.id} expired at ${pending.expiresAt}`,
    });
    expect(approveWeightPlan(approved, { author: "a", reason: "r" }, later(1)).ok).toBe(false);
  });
});
