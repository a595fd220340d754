import { ValueTooLargeError } from "../errors";
import { PARAMETER_AREAS, parameterKeys } from "../kernel/domain/parameter-layout";
import { STANDARD_PARAMETER_MAX_BYTES, type StateStore, type StoredValue } from "../ports/state-store";
import type { BalancerState } from "./domain/types";
import { mergeZoneState, splitZoneState, type ZoneStatePart } from "./domain/zone-state";

/** What locates a pool's state: its name and its hosted zone. */
export interface StatePool {
  name: string;
  record: { hostedZoneId: string };
}

/** The balancer's memory as one run read it. */
export interface BalancerStateSnapshot {
  /** Each pool's state, by pool name; a pool with none anywhere is absent. */
  states: Map<string, BalancerState>;
  /** Pools whose state came from their per-pool parameter of earlier versions (carried over on the next write). */
  carried: Set<string>;
  /** Per hosted zone: part 1's version (undefined: no document yet) and every part as read. */
  zones: Map<string, { version?: number; parts: (ZoneStatePart | undefined)[] }>;
}

/** Fewer missing pools than this are looked up by name (GetParameters takes 10 names a call). */
const LEGACY_BY_NAME_MAX = 10;

/**
 * Every pool's state in batched reads: part 1 of each zone's document (10 zones a call), the further
 * parts of the zones that have them, and, only for pools missing from their zone's document, the
 * per-pool parameter of earlier versions, so that an upgraded stack keeps its flap guard, override
 * memory and calibration. Up to 10 missing pools are read by name; more (the first run of a stack) in
 * one paged listing of the balancer's parameters, which is one call when there are none.
 */
export async function readBalancerStates(
  store: StateStore,
  pools: readonly StatePool[],
): Promise<BalancerStateSnapshot> {
  const zoneIds = [...new Set(pools.map((p) => p.record.hostedZoneId))];
  const firsts = await loadKeys<ZoneStatePart>(
    store,
    zoneIds.map((zone) => parameterKeys.balancerZoneState(zone)),
  );
  const extraKeys = zoneIds.flatMap((zone) => {
    const count = firsts.get(parameterKeys.balancerZoneState(zone))?.value.parts ?? 1;
    return Array.from({ length: Math.max(0, count - 1) }, (_, i) =>
      parameterKeys.balancerZoneState(zone, i + 2),
    );
  });
  const extras = extraKeys.length > 0 ? await loadKeys<ZoneStatePart>(store, extraKeys) : new Map();
  const zones: BalancerStateSnapshot["zones"] = new Map();
  const states = new Map<string, BalancerState>();
  for (const zone of zoneIds) {
    const first = firsts.get(parameterKeys.balancerZoneState(zone));
    const count = first?.value.parts ?? 1;
    const parts = [
      first?.value,
      ...Array.from(
        { length: Math.max(0, count - 1) },
        (_, i) => extras.get(parameterKeys.balancerZoneState(zone, i + 2))?.value,
      ),
    ];
    zones.set(zone, { ...(first ? { version: first.version } : {}), parts });
    const merged = mergeZoneState(parts);
    for (const pool of pools.filter((p) => p.record.hostedZoneId === zone)) {
      const state = merged.get(pool.name);
      if (state) states.set(pool.name, state);
    }
  }
  const missing = pools
    .filter((p) => !states.has(p.name))
    .map((p) => parameterKeys.balancerLegacyPoolState(p.name));
  const carried = new Set<string>();
  if (missing.length > 0) {
    const legacy = await loadLegacy(store, missing);
    for (const pool of pools) {
      const old = legacy.get(parameterKeys.balancerLegacyPoolState(pool.name));
      if (old && !states.has(pool.name)) {
        states.set(pool.name, old.value);
        carried.add(pool.name);
      }
    }
  }
  return { states, carried, zones };
}

/** The zones whose document was written since `snapshot` was read (part 1's version moved). */
export async function zonesWrittenSince(
  store: StateStore,
  snapshot: BalancerStateSnapshot,
): Promise<string[]> {
  const zoneIds = [...snapshot.zones.keys()];
  const now = await loadKeys<ZoneStatePart>(
    store,
    zoneIds.map((zone) => parameterKeys.balancerZoneState(zone)),
  );
  return zoneIds.filter(
    (zone) => now.get(parameterKeys.balancerZoneState(zone))?.version !== snapshot.zones.get(zone)?.version,
  );
}

/** One zone document to write: its parts, and which of them differ from what was read. */
export interface ZoneWrite {
  zone: string;
  parts: { key: string; value: ZoneStatePart }[];
}

/**
 * The zone documents this run must write: a zone whose pools' states differ from its document (or that
 * has none yet, or whose pools were carried over). Each zone's states are its configured pools' new
 * states, else the state read (a pool that could not be evaluated keeps its memory). Only the parts
 * that changed are written, and part 1 always, last: its version is the zone's version, which the
 * next writer checks. A pool whose state alone exceeds one part is a ValueTooLargeError.
 */
export function zoneWrites(
  pools: readonly StatePool[],
  snapshot: BalancerStateSnapshot,
  next: ReadonlyMap<string, BalancerState>,
): ZoneWrite[] {
  const writes: ZoneWrite[] = [];
  for (const [zone, read] of snapshot.zones) {
    const wanted: Record<string, BalancerState> = {};
    for (const pool of [...pools].filter((p) => p.record.hostedZoneId === zone)) {
      const state = next.get(pool.name) ?? snapshot.states.get(pool.name);
      if (state) wanted[pool.name] = state;
    }
    const held = Object.fromEntries([...mergeZoneState(read.parts)].sort(([a], [b]) => a.localeCompare(b)));
    const sorted = Object.fromEntries(Object.entries(wanted).sort(([a], [b]) => a.localeCompare(b)));
    if (Object.keys(sorted).length === 0) continue;
    if (read.version !== undefined && JSON.stringify(sorted) === JSON.stringify(held)) continue;
    const split = splitZoneState(sorted, STANDARD_PARAMETER_MAX_BYTES);
    if ("oversized" in split) {
      throw new ValueTooLargeError(
        `the balancer state of pool ${split.oversized.pool} (zone ${zone}) takes ${split.oversized.bytes} bytes, more than one standard SSM parameter holds (${STANDARD_PARAMETER_MAX_BYTES}); nothing was written for zone ${zone}`,
      );
    }
    const [first, ...rest] = split.parts;
    const changed = rest
      .map((value, i) => ({ key: parameterKeys.balancerZoneState(zone, i + 2), value }))
      .filter(({ value }, i) => JSON.stringify(value) !== JSON.stringify(read.parts[i + 1]));
    writes.push({
      zone,
      parts: [...changed, { key: parameterKeys.balancerZoneState(zone), value: first as ZoneStatePart }],
    });
  }
  return writes;
}

/** Writes the parts in order (part 1 of each zone last). Only under the run lease, after the version check. */
export async function writeZones(store: StateStore, writes: readonly ZoneWrite[]): Promise<void> {
  for (const write of writes) for (const part of write.parts) await store.save(part.key, part.value);
}

async function loadKeys<T>(store: StateStore, keys: readonly string[]): Promise<Map<string, StoredValue<T>>> {
  if (store.loadMany) return store.loadMany<T>(keys);
  const found = new Map<string, StoredValue<T>>();
  for (const key of keys) {
    const value = await store.load<T>(key);
    if (value) found.set(key, value);
  }
  return found;
}

async function loadLegacy(
  store: StateStore,
  keys: readonly string[],
): Promise<Map<string, StoredValue<BalancerState>>> {
  if (keys.length <= LEGACY_BY_NAME_MAX || !store.loadUnder) return loadKeys<BalancerState>(store, keys);
  const wanted = new Set(keys);
  return store.loadUnder<BalancerState>(PARAMETER_AREAS["origin-balancer"], (key) => wanted.has(key));
}
