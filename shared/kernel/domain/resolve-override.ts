import type { OverrideInForce } from "./decision";
import {
  EVERY,
  type OverridableAutomation,
  type OverrideMemory,
  type StoredOverride,
} from "./override-types";

/**
 * Which override an automation obeys for one target, and whether one just ended.
 *
 * Priority (documented in the README): abort > manual pin/force > pause > automation. Abort belongs to the
 * canary's own run record (it beats everything there); among stored overrides a pin or force beats a pause,
 * then the most specific scope wins (this target > every target of the automation > every automation),
 * then the newest. Expiry is re-checked on every run, so an expired override simply stops counting.
 *
 * @example pause on every origin-balancer pool + pin on pool "images" -> "images" obeys the pin
 * @example pin expired 10:00, run at 10:01 -> nothing in force; transition "ended" (expired) is announced
 */
export function overrideInForce(
  candidates: readonly StoredOverride[],
  now: Date,
): StoredOverride | undefined {
  return candidates
    .filter((o) => isActive(o, now))
    .sort(
      (a, b) =>
        rank(b) - rank(a) ||
        specificity(b) - specificity(a) ||
        Date.parse(b.createdAt) - Date.parse(a.createdAt),
    )[0];
}

export function isActive(override: StoredOverride, now: Date): boolean {
  return override.cleared === undefined && Date.parse(override.expiresAt) > now.getTime();
}

/** Whether the stored override applies to this automation's target at all. */
export function appliesTo(
  override: StoredOverride,
  automation: OverridableAutomation,
  target: string,
): boolean {
  return (
    (override.automation === EVERY || override.automation === automation) &&
    (override.target === EVERY || override.target === target)
  );
}

const rank = (o: StoredOverride) => (o.action.kind === "pause" ? 1 : 2);
const specificity = (o: StoredOverride) => (o.target === EVERY ? 0 : 2) + (o.automation === EVERY ? 0 : 1);

export type OverrideTransition =
  | { kind: "none" }
  | { kind: "started"; override: StoredOverride }
  | { kind: "continues"; override: StoredOverride }
  /** The override remembered from the last run no longer counts: announce it once, then forget it. */
  | { kind: "ended"; previous: OverrideMemory; why: "expired" | "cleared"; by?: string };

/**
 * Compares the override in force now with the one the automation obeyed on its last run.
 *
 * @example remembered pin p1 (expires 10:00), nothing in force at 10:01 -> ended, expired
 * @example remembered pin p1, p1 cleared by bob -> ended, cleared by bob
 */
export function overrideTransition(
  remembered: OverrideMemory | undefined,
  inForce: StoredOverride | undefined,
  candidates: readonly StoredOverride[],
): OverrideTransition {
  if (inForce !== undefined) {
    return remembered?.id === inForce.id
      ? { kind: "continues", override: inForce }
      : { kind: "started", override: inForce };
  }
  if (remembered === undefined) return { kind: "none" };
  const stored = candidates.find((o) => o.id === remembered.id);
  return stored?.cleared
    ? { kind: "ended", previous: remembered, why: "cleared", by: stored.cleared.author }
    : { kind: "ended", previous: remembered, why: "expired" };
}

export function memoryOf(override: StoredOverride): OverrideMemory {
  return {
    id: override.id,
    kind: override.action.kind,
    author: override.author,
    expiresAt: override.expiresAt,
  };
}

/** The override as a Decision names it. */
export function inForceOf(override: StoredOverride): OverrideInForce {
  return {
    kind: override.action.kind,
    id: override.id,
    author: override.author,
    invoker: override.invoker,
    reason: override.reason,
    expiresAt: override.expiresAt,
  };
}

/** One sentence for the decision that follows an override's end. */
export function endedSentence(transition: Extract<OverrideTransition, { kind: "ended" }>): string {
  const what = `${transition.previous.kind} by ${transition.previous.author}`;
  return transition.why === "cleared"
    ? `override (${what}) cleared by ${transition.by}, automation resumed`
    : `override (${what}) expired at ${transition.previous.expiresAt}, automation resumed`;
}
