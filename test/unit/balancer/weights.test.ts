import { describe, expect, it } from "vitest";
import { cacheMissLoad, minutesBetween } from "../../../shared/origin-balancer/domain/cache-miss-load";
import { fillOrigins } from "../../../shared/origin-balancer/domain/fill-origins";
import { sharesToWeights, weightsToShares } from "../../../shared/origin-balancer/domain/weights";

describe("shares to Route 53 weights", () => {
  it.each([
    ["keeps the ratio over 255", { nke: 0.6375, gke: 0.3625 }, 1, { nke: 163, gke: 92 }],
    [
      "keeps a standby origin warm with the minimum weight",
      { primary: 1, elastic: 0 },
      1,
      { primary: 254, elastic: 1 },
    ],
    ["lets a cold standby have weight 0", { primary: 1, elastic: 0 }, 0, { primary: 255, elastic: 0 }],
    ["never returns all zeros", { a: 0, b: 0 }, 0, { a: 128, b: 127 }],
    ["splits three origins", { a: 0.5, b: 0.3, c: 0.2 }, 1, { a: 128, b: 76, c: 51 }],
  ])("%s", (_name, shares, minWeight, expected) => {
    const weights = sharesToWeights(shares, minWeight);
    expect(weights).toEqual(expected);
    expect(Object.values(weights).reduce((a, b) => a + b, 0)).toBe(255);
  });

  it("reads weight 0 as a share of 0, not as a missing record", () => {
    expect(weightsToShares({ primary: 255, elastic: 0 })).toEqual({ primary: 1, elastic: 0 });
  });
});

describe("cost-order fill", () => {
  const origins = [
    { setIdentifier: "nke", capacity: 9000, targetUtilisation: 0.85 },
    { setIdentifier: "gke", targetUtilisation: 1 },
  ];
  it("fills the cheap origin to its target and overflows the rest (the documented example)", () => {
    const { shares } = fillOrigins(origins, 12_000);
    expect(shares.nke).toBeCloseTo(7650 / 12_000);
    expect(shares.gke).toBeCloseTo(4350 / 12_000);
  });
  it("gives everything to the cheapest origin below its target", () => {
    expect(fillOrigins(origins, 5000).shares).toEqual({ nke: 1, gke: 0 });
  });
  it("spreads the excess by capacity when every origin is bounded and full", () => {
    const bounded = [
      { setIdentifier: "a", capacity: 1000, targetUtilisation: 1 },
      { setIdentifier: "b", capacity: 3000, targetUtilisation: 1 },
    ];
    const fill = fillOrigins(bounded, 8000);
    expect(fill.saturated).toBe(true);
    expect(fill.shares.a).toBeCloseTo(2000 / 8000);
    expect(fill.shares.b).toBeCloseTo(6000 / 8000);
  });
});

describe("cache-miss load", () => {
  const minutes = minutesBetween(new Date("2026-11-02T20:00:00Z"), new Date("2026-11-02T20:05:00Z"));
  const series = (overrides: Partial<Record<"requests" | "hit" | "err", Map<string, number>>> = {}) => ({
    distributionId: "E1",
    requests: overrides.requests ?? new Map(minutes.map((m) => [m, 80_000])),
    cacheHitRate: overrides.hit ?? new Map(minutes.map((m) => [m, 91.5])),
    totalErrorRate: overrides.err ?? new Map(minutes.map((m) => [m, 0.5])),
  });

  it("applies Requests x (100 - CacheHitRate - TotalErrorRate) / 100 per minute", () => {
    const { samples } = cacheMissLoad([series()], minutes, 2);
    expect(samples.map((s) => s.load)).toEqual([6400, 6400, 6400]);
  });
  it("drops the newest settling minutes instead of reading them as a load drop", () => {
    const { excluded } = cacheMissLoad([series()], minutes, 2);
    expect(excluded.map((e) => e.reason)).toEqual(["settling", "settling"]);
  });
  it("excludes a minute where any distribution lacks a series, never counting it as zero", () => {
    const hit = new Map(minutes.map((m) => [m, 91.5]));
    hit.delete(minutes[1] as string);
    const { samples, excluded } = cacheMissLoad(
      [series(), { ...series({ hit }), distributionId: "E2" }],
      minutes,
      0,
    );
    expect(samples).toHaveLength(4);
    expect(samples[0]?.load).toBe(12_800);
    expect(excluded[0]).toMatchObject({ minute: minutes[1], reason: "missing-series" });
    expect(excluded[0]?.detail).toContain("E2 has no CacheHitRate");
  });
  it("excludes implausible percentages", () => {
    const hit = new Map(minutes.map((m) => [m, 120]));
    expect(cacheMissLoad([series({ hit })], minutes, 0).excluded[0]?.reason).toBe("implausible");
  });
});
