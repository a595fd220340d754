import { parameterKeys } from "../kernel/domain/parameter-layout";
import type { StateStore } from "../ports/state-store";
import type { PoolConfig } from "./config";
import { gateWeightPlan, type PendingWeightPlan, withdrawWeightPlan } from "./domain/pending-weight-plan";
import type { BalancerPlan } from "./domain/plan-weights";

/** What plan mode decided for one pool this run. */
export interface PlanStep {
  /** An approved plan that still matches the world: apply its proposal now. */
  execute?: PendingWeightPlan;
  /** Said at the end of the Decision's headline. */
  note?: string;
  /** Whether the Decision is worth a Slack message (a new plan, an execution, a refusal). */
  post: boolean;
  /** A plan stored this run, waiting for approval: its message carries Approve / Reject buttons. */
  pendingPlanId?: string;
}

/**
 * Plan mode for one pool: store a wanted change as a plan (posted once), keep it while it still fits,
 * execute it once approved if the weights are still those it was made from, refuse and re-plan
 * otherwise, and withdraw a pending plan the load no longer calls for. An operator's pin is not planned:
 * it is itself a human decision.
 */
export async function stepPlan(
  state: StateStore,
  pool: PoolConfig,
  plan: BalancerPlan,
  now: Date,
  expiryMinutes: number,
): Promise<PlanStep> {
  const stored = await state.load<PendingWeightPlan>(parameterKeys.balancerPendingPlan(pool.name));
  if (!plan.changed || plan.rule === "override-pin") {
    if (stored?.value.status === "pending") {
      await state.save(parameterKeys.balancerPendingPlan(pool.name), withdrawWeightPlan(stored.value), {
        expectedVersion: stored.version,
      });
      return { note: `plan ${stored.value.id} withdrawn: the load no longer calls for a change`, post: true };
    }
    return { post: false };
  }
  const gate = gateWeightPlan(stored?.value, plan, pool.name, now, expiryMinutes);
  switch (gate.action) {
    case "execute":
      return {
        execute: gate.plan,
        note: `plan ${gate.plan.id} approved by ${gate.plan.approval?.author ?? "?"}`,
        post: true,
      };
    case "keep":
      return { note: `plan ${gate.plan.id} awaits approval until ${gate.plan.expiresAt}`, post: false };
    case "store": {
      await state.save(parameterKeys.balancerPendingPlan(pool.name), gate.plan, {
        expectedVersion: stored?.version ?? "absent",
      });
      const approve = `plan ${gate.plan.id} stored: approve with \`autopilot approve ${gate.plan.id}\` before ${gate.plan.expiresAt}`;
      return {
        note: gate.refused ? `${gate.refused}; ${approve}` : approve,
        post: true,
        pendingPlanId: gate.plan.id,
      };
    }
  }
}

/** Marks an executed plan applied, so it can never run twice. */
export async function markApplied(state: StateStore, plan: PendingWeightPlan, now: Date): Promise<void> {
  await state.save(parameterKeys.balancerPendingPlan(plan.target), {
    ...plan,
    status: "applied",
    note: `applied at ${now.toISOString()}`,
  });
}
