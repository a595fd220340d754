import type { OverrideReader } from "../ports/override-store";
import type { StateStore } from "../ports/state-store";
import type { OverridableAutomation, OverrideMemory, StoredOverride } from "./domain/override-types";
import { parameterKeys } from "./domain/parameter-layout";
import { memoryOf, type ObeyedOverride, obeyedOverride } from "./domain/resolve-override";

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
export interface TargetOverride extends ObeyedOverride {
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
  const obeyed = obeyedOverride({ listed, automation, target, remembered: seen?.value.override, now });
  const { transition } = obeyed;
  return {
    ...obeyed,
    remember: async () => {
      if (transition.kind === "started")
        await deps.state.save(key, { override: memoryOf(transition.override) });
      if (transition.kind === "ended") await deps.state.save(key, {});
    },
  };
}
