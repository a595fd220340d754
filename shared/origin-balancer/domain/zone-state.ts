import type { BalancerState } from "./types";

/**
 * One part of a hosted zone's state document: the state of some of its pools, by pool name. Part 1
 * also says how many parts the document has (absent: 1).
 */
export interface ZoneStatePart {
  parts?: number;
  pools: Record<string, BalancerState>;
}

/** Why a zone's document cannot be split: one pool's state alone is larger than a part may be. */
export interface OversizedPool {
  pool: string;
  bytes: number;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/**
 * Splits a zone's pool states into parts of at most `maxBytes` of JSON each, filled in pool-name order
 * (the same states always give the same parts), so that a zone whose pools' memory outgrows one
 * standard parameter continues in numbered parts instead of losing fields. Part 1 carries the count.
 *
 * @example 10 pools of ~200 bytes, maxBytes 4,096 -> 1 part; 10 pools of ~2,100 bytes (a give-back's
 *   30 recent peaks each) -> 6 parts of one or two pools
 */
export function splitZoneState(
  pools: Readonly<Record<string, BalancerState>>,
  maxBytes: number,
): { parts: ZoneStatePart[] } | { oversized: OversizedPool } {
  // Room for the part's own keys, as part 1 writes them with a count of up to 9,999 parts.
  const frame = utf8Bytes(JSON.stringify({ parts: 9_999, pools: {} }));
  const groups: { names: string[]; bytes: number }[] = [];
  for (const name of Object.keys(pools).sort()) {
    const entry = utf8Bytes(`${JSON.stringify(name)}:${JSON.stringify(pools[name])}`);
    if (frame + entry > maxBytes) return { oversized: { pool: name, bytes: frame + entry } };
    const current = groups.at(-1);
    // One comma between two entries of a part.
    if (current && current.bytes + 1 + entry <= maxBytes) {
      current.names.push(name);
      current.bytes += 1 + entry;
    } else groups.push({ names: [name], bytes: frame + entry });
  }
  const parts = groups.map(({ names }) => ({
    pools: Object.fromEntries(names.map((name) => [name, pools[name] as BalancerState])),
  }));
  const [first, ...rest] = parts;
  return { parts: [{ parts: Math.max(1, parts.length), pools: first?.pools ?? {} }, ...rest] };
}

/** The pool states of a zone's parts, read back; a pool in two parts (a torn write) keeps the first. */
export function mergeZoneState(parts: readonly (ZoneStatePart | undefined)[]): Map<string, BalancerState> {
  const pools = new Map<string, BalancerState>();
  for (const part of parts)
    for (const [name, state] of Object.entries(part?.pools ?? {}))
      if (!pools.has(name)) pools.set(name, state);
  return pools;
}
