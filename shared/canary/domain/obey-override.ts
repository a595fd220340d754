import type { StoredOverride } from "../../kernel/domain/override-types";
import type { CanaryRecord } from "./types";

/**
 * What obeying an override means for a canary run: a stored pause (on this canary, every canary, or
 * everything) holds a running canary exactly as the run's own pause command would (gates still roll back),
 * but it is not written into the run record, so clearing or expiry resumes at once.
 *
 * The canary's own commands (pause, resume, promote, abort, sent through the override function) are not
 * overrides: they are steps of the run, kept in its record like the step it is on, with no expiry. A
 * stored override is time-boxed and obeyed through the kernel's protocol, like every automation's.
 */
export function underStoredPause(record: CanaryRecord, override: StoredOverride): CanaryRecord {
  return {
    ...record,
    status: "paused",
    pause: {
      author: override.author,
      reason: override.reason,
      at: override.createdAt,
      expiresAt: override.expiresAt,
    },
  };
}

/** The record as planned under a stored pause, without that pause: the override store keeps it. */
export function withoutStoredPause(planned: CanaryRecord, original: CanaryRecord): CanaryRecord {
  if (planned.status !== "paused") return planned;
  const { pause: _, ...rest } = planned;
  return { ...rest, status: original.status, ...(original.pause ? { pause: original.pause } : {}) };
}
