import { describe, expect, it } from "vitest";
import { sharesToWeights, weightsToShares } from "../../../shared/origin-balancer/domain/weights";
import { twoOriginPolicy } from "../../../tools/backtest/defaults";
import { type SimulationOptions, simulate } from "../../../tools/backtest/simulate";
import type { TraceMinute } from "../../../tools/backtest/trace";

const START = Date.parse("2026-01-01T00:00:00Z");
const minuteAt = (i: number) => new Date(START + i * 60_000).toISOString();

/**
 * A synthetic trace whose estimated load is exactly `loads` (no cache hits, no errors); undefined is a
 * metric gap. The ground truth equals the load unless `truth` says otherwise.
 */
function syntheticTrace(loads: readonly (number | undefined)[], truth?: readonly number[]): TraceMinute[] {
  return loads.map((load, i) => ({
    minute: minuteAt(i),
    requests: load,
    cacheHitRate: load === undefined ? undefined : 0,
    totalErrorRate: load === undefined ? undefined : 0,
    originRequests: truth?.[i] ?? load ?? 0,
  }));
}

const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  policyName: "seed",
  policy: twoOriginPolicy(1000),
  intervalMinutes: 1,
  windowMinutes: 10,
  metricDelayMinutes: 2,
  ttlSeconds: 60,
  ...overrides,
});

const repeat = (n: number, value: number | undefined) => Array.from({ length: n }, () => value);

describe("the split ramp", () => {
  // Constant load 2,000 against capacity 1,000: the seed rule halves the split at minute 5 (first
  // evaluation with visible minutes) and holds it after.
  const before = 254 / 255;
  const after = 128 / 255;

  it.each(
    [
      { ttlSeconds: 0, progress: [0.5, 1, 1] },
      { ttlSeconds: 60, progress: [0.25, 0.75, 1, 1] },
      { ttlSeconds: 180, progress: [0.125, 0.375, 0.625, 0.875, 1] },
    ].map((row) => [row.ttlSeconds, row] as const),
  )("moves the split linearly over 60 s + a TTL of %i s", (_, { ttlSeconds, progress }) => {
    const result = simulate(syntheticTrace(repeat(30, 2000)), options({ ttlSeconds }));

    expect(result.decisions.map((d) => d.minute)).toEqual([minuteAt(5)]);
    expect(result.minutes[4]?.primaryShare).toBeCloseTo(before, 12);
    progress.forEach((p, k) => {
      const minute = result.minutes[5 + k];
      const share = before + (after - before) * p;
      expect(minute?.primaryShare).toBeCloseTo(share, 12);
      expect(minute?.primaryLoad).toBeCloseTo(2000 * share, 9);
    });
  });
});

describe("what the policy sees", () => {
  it("treats a gap minute as no data, not as zero load", () => {
    // Every other minute is a gap: the visible mean is 2,000 (share 0.75 at capacity 1,500); reading the
    // gaps as zero would halve it to 1,000, under capacity, and leave the primary alone.
    const loads = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 2000 : undefined));
    const result = simulate(
      syntheticTrace(loads, repeat(20, 2000) as number[]),
      options({ policy: twoOriginPolicy(1500) }),
    );

    expect(result.decisions[0]).toMatchObject({
      minute: minuteAt(5),
      weights: sharesToWeights({ primary: 0.75, elastic: 0.25 }, 1),
    });
    expect(result.minutes.filter((m) => m.estimatedLoad === undefined)).toHaveLength(10);
  });

  it.each(["autopilot", "seed"] as const)(
    "never moves the %s split when every minute is a gap, however high the real load",
    (policyName) => {
      const result = simulate(
        syntheticTrace(repeat(60, undefined), repeat(60, 50_000) as number[]),
        options({ policyName }),
      );

      expect(result.decisions).toEqual([]);
      expect(result.summary.overloadMinutes).toBe(60);
    },
  );

  it.each([0, 2, 5])("does not see a spike before minute spike + %i (delay) + 1", (metricDelayMinutes) => {
    const spikeAt = 20;
    const loads = Array.from({ length: 40 }, (_, i) => (i < spikeAt ? 100 : 5000));
    const result = simulate(syntheticTrace(loads), options({ policyName: "autopilot", metricDelayMinutes }));

    expect(result.decisions[0]?.minute).toBe(minuteAt(spikeAt + metricDelayMinutes + 1));
  });

  it("evaluates the seed rule every 5 minutes whatever the interval asked for", () => {
    const loads = Array.from({ length: 120 }, (_, i) => 1000 + 800 * Math.sin(i / 7));
    const result = simulate(syntheticTrace(loads), options({ policyName: "seed", intervalMinutes: 1 }));

    expect(result.decisions.length).toBeGreaterThan(3);
    for (const d of result.decisions) expect(new Date(d.minute).getUTCMinutes() % 5).toBe(0);
  });
});

describe("scoring", () => {
  it.each([
    { highMinutes: 15, decisionMinutes: [5, 20, 25], flaps: 1 },
    { highMinutes: 20, decisionMinutes: [5, 25, 30], flaps: 0 },
  ])(
    "counts a flap only when a change reverses the previous one within 15 minutes (load high for $highMinutes min)",
    ({ highMinutes, decisionMinutes, flaps }) => {
      // Offload at minute 5, give back twice (same direction: never a flap between those two).
      const loads = Array.from({ length: 60 }, (_, i) => (i < highMinutes ? 2000 : 100));
      const result = simulate(syntheticTrace(loads), options());

      expect(result.decisions.map((d) => d.minute)).toEqual(decisionMinutes.map(minuteAt));
      expect(result.summary).toMatchObject({ changes: 3, flaps });
    },
  );

  it("scores the oracle as the origin requests above capacity, whatever the policy did", () => {
    // No metrics, no standby weight: the primary takes everything, so its excess is the oracle's elastic.
    const truth = [500, 1500, 2500, 900];
    const result = simulate(
      syntheticTrace(repeat(4, undefined), truth),
      options({ policyName: "autopilot", policy: twoOriginPolicy(1000, { minWeight: 0 }) }),
    );

    expect(result.summary).toEqual({
      overloadMinutes: 2,
      overloadExcess: 2000,
      elasticRequests: 0,
      oracleElasticRequests: 500 + 1500,
      changes: 0,
      flaps: 0,
    });
  });

  it("counts as elastic every request the primary's real share does not take", () => {
    const result = simulate(syntheticTrace(repeat(30, 2000)), options());
    const expected = result.minutes.reduce((sum, m) => sum + m.originRequests * (1 - m.primaryShare), 0);

    expect(result.summary.elasticRequests).toBe(Math.round(expected));
    expect(weightsToShares(result.decisions[0]?.weights ?? {}).primary).toBeCloseTo(128 / 255, 12);
  });
});

describe("the observed origin metric", () => {
  // Formula 2,000/min, the origins really serve 2,300 (15% more); capacity 1,000, so the primary only
  // gets a part of the load and its metric reads only that part.
  const formula = repeat(240, 2000);
  const truth = Array.from({ length: 240 }, () => 2300);

  it("is what the DNS model sends to the primary, so the factor learns the bias, not the split", () => {
    const result = simulate(syntheticTrace(formula, truth), options({ policyName: "autopilot-observed" }));
    const last = result.minutes.at(-1);

    expect(last?.primaryShare).toBeLessThan(0.6);
    // Fed with ground truth (2,300) instead of 2,300 x share, the factor would read 2.0 (its bound).
    expect(last?.calibrationFactor).toBeCloseTo(1.15, 2);
  });

  it("is never read by the formula-only autopilot", () => {
    const result = simulate(syntheticTrace(formula, truth), options({ policyName: "autopilot" }));

    expect(result.minutes.every((m) => m.calibrationFactor === undefined)).toBe(true);
  });

  it("keeps the primary under capacity with the metric, where the formula alone overloads it", () => {
    // A 95% target leaves less headroom than the bias: planned at 950 of 2,000, the primary gets 1,093.
    const policy = twoOriginPolicy(1000, {}, 0.95);
    const run = (policyName: SimulationOptions["policyName"]) =>
      simulate(syntheticTrace(formula, truth), options({ policyName, policy, windowMinutes: 60 })).summary;

    const formulaOnly = run("autopilot").overloadMinutes;
    expect(formulaOnly).toBeGreaterThan(200);
    // only while the factor is still learning (the first half hour)
    expect(run("autopilot-observed").overloadMinutes).toBeLessThan(0.2 * formulaOnly);
  });
});
