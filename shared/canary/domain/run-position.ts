/**
 * Where a run really is before deciding: overrides whose expiry passed are dropped, and the step is read
 * from the rule (the source of truth), not only from the record. Pure.
 */
import type { Guard } from "../../kernel/domain/decision";
import { stepLabel } from "./commands";
import { canaryPercent } from "./split";
import { BASELINE_STEP, type CanaryRecord, type CanarySpec, type CanarySplit } from "./types";

/**
 * Where the rule really is. The record says step i; the rule is the source of truth. If the rule is
 * already at step i+1, a run changed it and stopped before saving: adopt the step and restart its bake.
 */
export function locate(
  record: CanaryRecord,
  split: CanarySplit,
  spec: CanarySpec,
  now: Date,
): { record: CanaryRecord; adopted: boolean } | { drift: string } {
  const percentAt = (index: number) => (index === BASELINE_STEP ? 0 : spec.steps[index]?.percent);
  const observed = canaryPercent(split);
  if (percentAt(record.stepIndex) === observed) return { record, adopted: false };
  if (percentAt(record.stepIndex + 1) === observed) {
    return {
      record: { ...record, stepIndex: record.stepIndex + 1, enteredAt: now.toISOString() },
      adopted: true,
    };
  }
  return {
    drift: `the rule sends ${observed}% to the canary (weights ${split.stableWeight}/${split.canaryWeight}) but the run is at ${stepLabel(record, spec)}: changed by hand? abort, or restore the weights`,
  };
}

/** Drops overrides whose expiry has passed: expiry is re-checked on every run. */
export function dropLapsed(
  record: CanaryRecord | undefined,
  now: Date,
): { record: CanaryRecord | undefined; guards: Guard[] } {
  if (record === undefined) return { record, guards: [] };
  const guards: Guard[] = [];
  let next = record;
  if (next.pause && !(Date.parse(next.pause.expiresAt) > now.getTime())) {
    const { pause, ...rest } = next;
    guards.push({
      name: "pause-expired",
      verdict: "passed",
      detail: `pause by ${pause.author} lapsed at ${pause.expiresAt}`,
    });
    next = { ...rest, status: next.status === "paused" ? "running" : next.status };
  }
  const pending = next.pending;
  if (pending?.expiresAt !== undefined && !(Date.parse(pending.expiresAt) > now.getTime())) {
    const { pending: _, ...rest } = next;
    guards.push({
      name: `${pending.kind}-expired`,
      verdict: "passed",
      detail: `${pending.kind} by ${pending.author} lapsed at ${pending.expiresAt} without being carried out`,
    });
    next = rest;
  }
  return { record: next, guards };
}
