import type { OverridableAutomation, StoredOverride } from "../kernel/domain/override-types";
import type { StoredValue } from "./state-store";

/** What every automation needs: all overrides in one read per run (an unreadable store is not "none"). */
export interface OverrideReader {
  /** Every stored override, active, expired and cleared: the pure domain decides which one counts. */
  list(): Promise<StoredOverride[]>;
}

/** What the override function needs on top: one scope's override with its version, and a guarded write. */
export interface OverrideStore extends OverrideReader {
  load(
    automation: OverridableAutomation | "*",
    target: string,
  ): Promise<StoredValue<StoredOverride> | undefined>;
  /** ConflictError when someone else wrote the scope since `expectedVersion` was read. */
  save(override: StoredOverride, expectedVersion: number | "absent"): Promise<number>;
}
