import type { Decision, OverrideInForce } from "./decision";
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

/**
 * The override protocol every automation follows, in one place: which override it obeys for one target
 * this run (`obeyedOverride`), how the Decision names it and says once that one ended (`withOverride`),
 * and that a start or an end is always worth a Slack line (`overrideNews`). What "obeying" means stays
 * each automation's own rule (`domain/obey-override.ts` in its slice: pin weights, force a mode, pause a
 * rotation or a canary run); where the memory of the last run is kept is the caller's choice.
 */
export interface ObeyedOverride {
  override?: StoredOverride;
  transition: OverrideTransition;
}

/**
 * @example listed: pause on every pool, pin on "images"; remembered: nothing -> the pin, "started"
 * @example listed: nothing; remembered: pin p1 that expired -> no override, "ended" (expired)
 */
export function obeyedOverride(input: {
  listed: readonly StoredOverride[];
  automation: OverridableAutomation;
  target: string;
  remembered: OverrideMemory | undefined;
  now: Date;
}): ObeyedOverride {
  const candidates = input.listed.filter((o) => appliesTo(o, input.automation, input.target));
  const override = overrideInForce(candidates, input.now);
  const transition = overrideTransition(input.remembered, override, candidates);
  return { ...(override ? { override } : {}), transition };
}

/** Names the override in the Decision, and says first, once, that an ended one handed back the wheel. */
export function withOverride<D extends Decision>(decision: D, obeyed: ObeyedOverride): D {
  const { override, transition } = obeyed;
  const named = override ? { ...decision, override: inForceOf(override) } : decision;
  if (transition.kind !== "ended") return named;
  const prefix = `${decision.target}: `;
  const rest = decision.headline.startsWith(prefix)
    ? decision.headline.slice(prefix.length)
    : decision.headline;
  return { ...named, headline: `${prefix}${endedSentence(transition)} — ${rest}` };
}

/** An override starting or ending is always worth a message. */
export const overrideNews = (obeyed: ObeyedOverride) =>
  obeyed.transition.kind === "started" || obeyed.transition.kind === "ended";

/** What to remember after this run: the override obeyed (so its start is said once), or nothing. */
export function memoryAfter(obeyed: ObeyedOverride): OverrideMemory | undefined {
  return obeyed.override ? memoryOf(obeyed.override) : undefined;
}
