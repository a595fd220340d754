import { describe, expect, it } from "vitest";
import type { BalancerState } from "../../../shared/origin-balancer/domain/types";
import { mergeZoneState, splitZoneState } from "../../../shared/origin-balancer/domain/zone-state";
import { STANDARD_PARAMETER_MAX_BYTES } from "../../../shared/ports/state-store";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** A pool after a spike: one offload, one peak (the scale bench's pools). */
const afterSpike = (minute: number): BalancerState => ({
  recentChanges: [{ at: `2026-11-02T20:${String(minute).padStart(2, "0")}:00.000Z`, direction: 1 }],
  recentPeaks: [{ at: `2026-11-02T20:${String(minute).padStart(2, "0")}:00.000Z`, load: 19_000.123456789 }],
});

/** A pool giving load back after a sale, evaluated every minute: 30 peaks at full precision (2.1 KB). */
const givingBack = (seed: number): BalancerState => ({
  recentChanges: [0, 5, 10, 15].map((m) => ({ at: `2026-11-02T14:${33 + m}:00.000Z`, direction: -1 })),
  recentPeaks: Array.from({ length: 30 }, (_, i) => ({
    at: `2026-11-02T14:${String(19 + i).padStart(2, "0")}:00.000Z`,
    load: 17_376.98351453708 - i * 250.123456789 + seed,
  })),
  calibration: { factor: 1.0046967622001608, throughMinute: "2026-11-02T14:30:00.000Z", announcedFactor: 1 },
});

const zone = (count: number, state: (i: number) => BalancerState) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`pool-${i}`, state(i)]));

describe("a hosted zone's state document", () => {
  it("keeps 10 pools after a spike in one part, under 4 KB, and reads back every field", () => {
    const pools = zone(10, afterSpike);
    const split = splitZoneState(pools, STANDARD_PARAMETER_MAX_BYTES);
    if (!("parts" in split)) throw new Error("did not split");
    expect(split.parts).toHaveLength(1);
    expect(split.parts[0]?.parts).toBe(1);
    expect(bytes(split.parts[0])).toBeLessThanOrEqual(STANDARD_PARAMETER_MAX_BYTES);
    const back = mergeZoneState(JSON.parse(JSON.stringify(split.parts)));
    expect(Object.fromEntries(back)).toEqual(pools);
  });

  it("continues in numbered parts when 10 pools giving load back outgrow 4 KB, dropping nothing", () => {
    const pools = zone(10, givingBack);
    expect(bytes(pools["pool-0"])).toBeGreaterThan(2_000);
    const split = splitZoneState(pools, STANDARD_PARAMETER_MAX_BYTES);
    if (!("parts" in split)) throw new Error("did not split");
    expect(split.parts.length).toBeGreaterThan(1);
    expect(split.parts[0]?.parts).toBe(split.parts.length);
    for (const part of split.parts) expect(bytes(part)).toBeLessThanOrEqual(STANDARD_PARAMETER_MAX_BYTES);
    expect(Object.fromEntries(mergeZoneState(JSON.parse(JSON.stringify(split.parts))))).toEqual(pools);
  });

  it("assigns pools to parts in name order, the same way every time, whatever order they come in", () => {
    const pools = zone(10, givingBack);
    const reversed = Object.fromEntries(Object.entries(pools).reverse());
    const a = splitZoneState(pools, STANDARD_PARAMETER_MAX_BYTES);
    const b = splitZoneState(reversed, STANDARD_PARAMETER_MAX_BYTES);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    if (!("parts" in a)) throw new Error("did not split");
    const names = a.parts.flatMap((p) => Object.keys(p.pools));
    expect(names).toEqual([...names].sort());
  });

  it("refuses, naming the pool and its size, a pool whose state alone exceeds one part", () => {
    const huge: BalancerState = {
      recentChanges: [],
      recentPeaks: Array.from({ length: 90 }, (_, i) => ({
        at: `2026-11-02T10:00:${i}Z`,
        load: 1e6 / (i + 1),
      })),
    };
    const split = splitZoneState({ small: afterSpike(1), huge }, STANDARD_PARAMETER_MAX_BYTES);
    expect(split).toEqual({ oversized: { pool: "huge", bytes: expect.any(Number) } });
    if ("oversized" in split) expect(split.oversized.bytes).toBeGreaterThan(STANDARD_PARAMETER_MAX_BYTES);
  });

  it("keeps the first copy of a pool found in two parts (a write torn between parts)", () => {
    const merged = mergeZoneState([
      { parts: 2, pools: { a: afterSpike(1) } },
      { pools: { a: afterSpike(2) } },
    ]);
    expect(merged.get("a")).toEqual(afterSpike(1));
  });
});
