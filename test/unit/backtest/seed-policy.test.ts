import { describe, expect, it } from "vitest";
import type { LoadSample } from "../../../shared/origin-balancer/domain/types";
import { sharesToWeights } from "../../../shared/origin-balancer/domain/weights";
import { twoOriginPolicy } from "../../../tools/backtest/defaults";
import { seedWeights } from "../../../tools/backtest/seed-policy";
import { simulate } from "../../../tools/backtest/simulate";
import type { TraceMinute } from "../../../tools/backtest/trace";

const START = Date.parse("2026-01-01T00:00:00Z");
const minuteAt = (i: number) => new Date(START + i * 60_000).toISOString();
const samples = (loads: readonly number[]): LoadSample[] =>
  loads.map((load, i) => ({ minute: minuteAt(i), load }));
const ids = { primary: "primary", elastic: "elastic" };
const split = (primary: number, minWeight = 1) =>
  sharesToWeights({ primary, elastic: 1 - primary }, minWeight);

describe("the seed rule", () => {
  it.each(
    [
      {
        behaviour: "gives the primary capacity / mean when the mean is above capacity",
        loads: [1200, 1200, 1200],
        capacity: 900,
        want: split(0.75),
      },
      {
        behaviour: "keeps the primary alone when the mean is at capacity",
        loads: [800, 1000, 1200],
        capacity: 1000,
        want: split(1),
      },
      {
        behaviour: "keeps the primary alone when the mean is below capacity",
        loads: [100, 200],
        capacity: 1000,
        want: { primary: 254, elastic: 1 },
      },
      {
        behaviour: "averages only the newest 10 minutes",
        loads: [100_000, 100_000, ...Array.from({ length: 10 }, () => 1000)],
        capacity: 900,
        want: split(0.9),
      },
      {
        behaviour: "averages a minute that overshoots with its calmer neighbours",
        loads: [...Array.from({ length: 9 }, () => 500), 5500],
        capacity: 900,
        want: split(0.9),
      },
    ].map((row) => [row.behaviour, row] as const),
  )("%s", (_, { loads, capacity, want }) => {
    expect(seedWeights(samples(loads), capacity, ids, 1)).toEqual(want);
  });

  it("sorts the minutes before picking the newest 10", () => {
    const ordered = samples([90_000, ...Array.from({ length: 10 }, () => 2000)]);
    const shuffled = [
      ordered[5],
      ordered[0],
      ordered[10],
      ordered[3],
      ...ordered.slice(6, 10),
      ordered[1],
      ordered[2],
      ordered[4],
    ].filter((s): s is LoadSample => s !== undefined);

    expect(seedWeights(shuffled, 1000, ids, 1)).toEqual(split(0.5));
  });

  it("drops the standby weight when minWeight is 0", () => {
    expect(seedWeights(samples([500]), 1000, ids, 0)).toEqual({ primary: 255, elastic: 0 });
  });

  it("holds when no minute is visible", () => {
    expect(seedWeights([], 1000, ids, 1)).toBeUndefined();
  });

  it("sets, every 5 minutes, the split computed by hand from the complete minutes among the 10 newest visible", () => {
    // A wave around capacity with a gap every 7th minute; delay 2: minute m is visible at t when m + 3 <= t,
    // so the seed reads minutes t-12 .. t-3 and averages those that are not gaps.
    const loads = Array.from({ length: 240 }, (_, i) =>
      i % 7 === 3 ? undefined : 1000 + 600 * Math.sin(i / 9),
    );
    const trace: TraceMinute[] = loads.map((load, i) => ({
      minute: minuteAt(i),
      requests: load,
      cacheHitRate: load === undefined ? undefined : 0,
      totalErrorRate: load === undefined ? undefined : 0,
      originRequests: load ?? 0,
    }));
    const result = simulate(trace, {
      policyName: "seed",
      policy: twoOriginPolicy(1100),
      intervalMinutes: 1,
      windowMinutes: 30,
      metricDelayMinutes: 2,
      ttlSeconds: 60,
    });

    const expected: { minute: string; weights: Record<string, number> }[] = [];
    let current = split(1);
    for (let t = 0; t < loads.length; t += 5) {
      const visible = loads.slice(Math.max(0, t - 12), Math.max(0, t - 2)).filter((l) => l !== undefined);
      if (visible.length === 0) continue;
      const mean = visible.reduce((a, b) => a + b, 0) / visible.length;
      const next = split(mean > 1100 ? 1100 / mean : 1);
      if (JSON.stringify(next) !== JSON.stringify(current))
        expected.push({ minute: minuteAt(t), weights: next });
      current = next;
    }

    expect(expected.length).toBeGreaterThan(10);
    expect(result.decisions.map(({ minute, weights }) => ({ minute, weights }))).toEqual(expected);
  });
});
