import type { OverrideReader } from "../ports/override-store";
import type { StateStore } from "../ports/state-store";
import type { Decision } from "./domain/decision";
import type { OverridableAutomation, OverrideMemory, StoredOverride } from "./domain/override-types";
import { parameterKeys } from "./domain/parameter-layout";
import {
  appliesTo,
  endedSentence,
  inForceOf,
  memoryOf,
  type OverrideTransition,
  overrideInForce,
  overrideTransition,
} from "./domain/resolve-override";

/**
 * One listing per invocation, however many fleets, pairs or canaries it evaluates: the function's deps
 * wrap the store with this for each invocation (never across invocations: an override set between two
 * runs must be seen by the second). A failed listing fails every target of the run alike.
 */
export function readOnce(reader: OverrideReader): OverrideReader {
  let listing: Promise<StoredOverride[]> | undefined;
  return {
    list: () => {
      listing ??= reader.list();
      return listing;
    },
  };
}

/** The override an automation obeys for one target this run, and how to record having obeyed it. */
export interface TargetOverride {
  override?: StoredOverride;
  transition: OverrideTransition;
  /** Remembers the override obeyed (or forgets an ended one), so start and end are said once. */
  remember(): Promise<void>;
}

/**
 * Reads the overrides for one target and compares them with what the automation obeyed last run (kept
 * at `<automation>/<target>/override-seen`, inside the automation's own parameters).
 */
export async function targetOverride(
  deps: { overrides: OverrideReader; state: StateStore },
  automation: OverridableAutomation,
  target: string,
  now: Date,
): Promise<TargetOverride> {
  const key = parameterKeys.overrideSeen(automation, target);
  // Two independent reads, one round trip: flow control waits for them before it may send.
  const [listed, seen] = await Promise.all([
    deps.overrides.list(),
    deps.state.load<{ override?: OverrideMemory }>(key),
  ]);
  const candidates = listed.filter((o) => appliesTo(o, automation, target));
  const override = overrideInForce(candidates, now);
  const transition = overrideTransition(seen?.value.override, override, candidates);
  return {
    ...(override ? { override } : {}),
    transition,
    remember: async () => {
      if (transition.kind === "started")
        await deps.state.save(key, { override: memoryOf(transition.override) });
      if (transition.kind === "ended") await deps.state.save(key, {});
    },
  };
}

/** Names the override in the Decision, and says first, once, that an ended one handed back the wheel. */
export function withOverride<D extends Decision>(decision: D, obeyed: TargetOverride): D {
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
export const overrideNews = (obeyed: TargetOverride) =>
  obeyed.transition.kind === "started" || obeyed.transition.kind === "ended";
