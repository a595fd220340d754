import { describe, expect, it } from "vitest";
import type { StoredOverride } from "../../../shared/kernel/domain/override-types";
import { obeyOverride } from "../../../shared/origin-balancer/domain/obey-override";
import type { BalancerPlan } from "../../../shared/origin-balancer/domain/plan-weights";

const offload: BalancerPlan = {
  rule: "offload",
  before: { primary: 254, elastic: 1 },
  after: { primary: 163, elastic: 92 },
  changed: true,
  urgent: true,
  direction: 1,
  guards: [{ name: "cooldown", verdict: "passed", detail: "bypassed" }],
  nextState: { recentChanges: [{ at: "2026-12-02T10:00:00Z", direction: 1 }] },
  reason: "primary projected over capacity",
};
const base: StoredOverride = {
  id: "ovr-1",
  automation: "origin-balancer",
  target: "images",
  action: { kind: "pin", weights: { primary: 200, elastic: 55, retired: 9 } },
  author: "alice",
  invoker: "alice",
  reason: "INC-42",
  createdAt: "2026-12-02T09:55:00Z",
  expiresAt: "2026-12-02T10:30:00Z",
};

describe("the balancer obeying an operator", () => {
  it("moves to the pinned weights instead of the policy's, ignoring origins the pool no longer has", () => {
    const plan = obeyOverride(offload, base);
    expect(plan.rule).toBe("override-pin");
    expect(plan.after).toEqual({ primary: 200, elastic: 55 });
    expect(plan.changed).toBe(true);
    expect(plan.guards).toEqual([]);
    expect(plan.reason).toContain("the policy wanted offload");
  });

  it("does not count the policy's unmade change, and remembers the override", () => {
    const plan = obeyOverride(offload, base);
    expect(plan.nextState.recentChanges).toEqual([]);
    expect(plan.nextState.override).toEqual({
      id: "ovr-1",
      kind: "pin",
      author: "alice",
      expiresAt: "2026-12-02T10:30:00Z",
    });
  });

  it("holds everything while paused", () => {
    const plan = obeyOverride(offload, { ...base, action: { kind: "pause" } });
    expect(plan.rule).toBe("override-pause");
    expect(plan.changed).toBe(false);
    expect(plan.after).toEqual(offload.before);
  });

  it("leaves the policy's plan alone and forgets the old override when none is in force", () => {
    const remembered = {
      ...offload,
      nextState: {
        ...offload.nextState,
        override: { id: "x", kind: "pin" as const, author: "a", expiresAt: "t" },
      },
    };
    const plan = obeyOverride(remembered, undefined);
    expect(plan.after).toEqual(offload.after);
    expect(plan.nextState.override).toBeUndefined();
  });
});
