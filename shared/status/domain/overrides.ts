import type { PendingRotationPlan } from "../../cert-rotation/domain/pending-rotation-plan";
import { EVERY, type OverridableAutomation, type StoredOverride } from "../../kernel/domain/override-types";
import { isActive, obeyedOverride } from "../../kernel/domain/resolve-override";
import type { PendingWeightPlan } from "../../origin-balancer/domain/pending-weight-plan";
import type { OverridesStatus, OverrideView, PlanStatus, StatusQuery } from "./types";

/** How far back an ended override is still worth showing: the incident it belonged to is likely over. */
export const RECENTLY_ENDED_HOURS = 24;
const RECENTLY_ENDED_LIMIT = 20;

/** "origin-balancer/images", "flow-control/(every target)", "every automation". */
export function scopeText(override: Pick<StoredOverride, "automation" | "target">): string {
  if (override.automation === EVERY) return "every automation";
  return `${override.automation}/${override.target === EVERY ? "(every target)" : override.target}`;
}

export function overrideView(override: StoredOverride): OverrideView {
  return {
    id: override.id,
    scope: scopeText(override),
    action: override.action,
    author: override.author,
    invoker: override.invoker,
    reason: override.reason,
    createdAt: override.createdAt,
    expiresAt: override.expiresAt,
    ...(override.cleared
      ? {
          cleared: {
            author: override.cleared.author,
            reason: override.cleared.reason,
            at: override.cleared.at,
          },
        }
      : {}),
  };
}

/**
 * The override the automation obeys for this target now, by the same rule the automation applies.
 *
 * @example pause on every pool + pin on "images" -> images shows the pin; "video" shows the pause
 */
export function overrideFor(
  automation: OverridableAutomation,
  target: string,
  overrides: readonly StoredOverride[],
  now: Date,
): OverrideView | undefined {
  const { override } = obeyedOverride({ listed: overrides, automation, target, remembered: undefined, now });
  return override ? overrideView(override) : undefined;
}

/**
 * Active overrides (newest first) and the ones that ended in the last day, with how they ended.
 *
 * @example pin expired at 09:00, asked at 10:00 -> recentlyEnded [{ how: expired, endedAt: 09:00 }]
 */
export function summariseOverrides(overrides: readonly StoredOverride[], now: Date): OverridesStatus {
  const newestFirst = (a: { createdAt: string }, b: { createdAt: string }) =>
    Date.parse(b.createdAt) - Date.parse(a.createdAt);
  const active = overrides
    .filter((o) => isActive(o, now))
    .sort(newestFirst)
    .map(overrideView);
  const since = now.getTime() - RECENTLY_ENDED_HOURS * 3_600_000;
  const recentlyEnded = overrides
    .filter((o) => !isActive(o, now))
    .map((o) => ({
      ...overrideView(o),
      endedAt: o.cleared?.at ?? o.expiresAt,
      how: o.cleared ? ("cleared" as const) : ("expired" as const),
    }))
    .filter((o) => Date.parse(o.endedAt) >= since)
    .sort((a, b) => Date.parse(b.endedAt) - Date.parse(a.endedAt))
    .slice(0, RECENTLY_ENDED_LIMIT);
  return { active, recentlyEnded };
}

/**
 * A stored plan of either kind as status lists it.
 *
 * @example weight plan for images, pending, expires 10:30, asked at 10:31 -> status pending, expired true
 */
export function planStatus(plan: PendingRotationPlan | PendingWeightPlan, now: Date): PlanStatus {
  const common = {
    id: plan.id,
    status: plan.status,
    expired: Date.parse(plan.expiresAt) <= now.getTime(),
    createdAt: plan.createdAt,
    expiresAt: plan.expiresAt,
    ...(plan.approval ? { approval: plan.approval } : {}),
  };
  return "pair" in plan
    ? { ...common, automation: "cert-rotation", target: plan.pair, certificateArn: plan.certificateArn }
    : {
        ...common,
        automation: "origin-balancer",
        target: plan.target,
        proposed: plan.proposed,
        observed: plan.observed,
      };
}

/** Whether a section item is part of a narrowed status request. */
export function wanted(query: StatusQuery, automation: OverridableAutomation, target: string): boolean {
  if (query.automation !== undefined && query.automation !== automation) return false;
  return query.target === undefined || query.target === target;
}
