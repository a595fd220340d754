/**
 * The fleet state lives in one standard SSM parameter: at most 4 KB. What grows with the fleet or with
 * what others name (instance ids, alarm names) is bounded here, so the state fits whatever the fleet's
 * size: 130 unconverged instances and 255-character alarm names made 4,269 characters before.
 */

/** Unconverged instances listed by id; beyond, only their number is kept (the decision log has all). */
export const UNCONVERGED_LISTED = 40;

/**
 * What the state keeps of the instances that did not converge: the first ids (sorted) and, when there
 * are more, how many there are.
 * @example 130 ids -> the first 40 and unconvergedCount 130; 3 ids -> the 3 ids, no count
 */
export function boundedUnconverged(ids: readonly string[]): {
  unconverged: string[];
  unconvergedCount?: number;
} {
  const sorted = [...ids].sort();
  return sorted.length > UNCONVERGED_LISTED
    ? { unconverged: sorted.slice(0, UNCONVERGED_LISTED), unconvergedCount: sorted.length }
    : { unconverged: sorted };
}

/**
 * A short fixed-length digest (16 hex characters, two 32-bit FNV-1a hashes) of a notification key, so
 * the remembered keys stay small whatever the alarm names. Collisions among the 20 keys kept are
 * negligible, and a collision would only skip a repeat of an already-applied state change.
 * @example "web-overload|ALARM|2026-11-02T20:29:58.000Z" -> "5c1f0e2a9b3d4c71" (some 16 hex digits)
 */
export function shortDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}
