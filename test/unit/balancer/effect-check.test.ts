import { describe, expect, it } from "vitest";
import {
  checkEffect,
  type EffectMinute,
  type PendingEffect,
} from "../../../shared/origin-balancer/domain/effect-check";
import { observeOrigins } from "../../../shared/origin-balancer/domain/observe-origins";
import { EMPTY_BALANCER_STATE } from "../../../shared/origin-balancer/domain/types";

const T0 = Date.parse("2026-11-02T20:00:00Z");
const at = (m: number) => new Date(T0 + m * 60_000).toISOString();
const pending: PendingEffect = { at: at(0), shareBefore: 1, shareAfter: 0.6, factor: 1 };
const served = (first: number, last: number, observed: number): EffectMinute[] =>
  Array.from({ length: last - first + 1 }, (_, i) => ({ minute: at(first + i), formula: 10_000, observed }));

describe("checkEffect", () => {
  it.each<[string, EffectMinute[], number, string]>([
    ["confirms a change the observed load followed", served(4, 6, 6100), 9, "confirmed"],
    ["finds a record no resolver honours (the doc example)", served(4, 6, 9800), 9, "not-honoured"],
    ["waits while the change settles", served(1, 3, 9800), 5, "pending"],
    ["says it could not confirm when no observed minute came after settling", [], 20, "unconfirmed"],
  ])("%s", (_name, minutes, nowMinute, kind) => {
    expect(
      checkEffect({
        pending,
        minutes,
        settleMinutes: 4,
        graceMinutes: 10,
        now: new Date(T0 + nowMinute * 60_000),
      }).kind,
    ).toBe(kind);
  });
});

describe("observeOrigins", () => {
  const base = {
    samples: Array.from({ length: 20 }, (_, i) => ({ minute: at(i), load: 6000 })),
    weights: { primary: 255, elastic: 0 },
    policy: { minFactor: 0.5, maxFactor: 2, smoothingMinutes: 10, announceStep: 0.05, metricDelayMinutes: 2 },
    ttlSeconds: 60,
    now: new Date(T0 + 25 * 60_000),
  };

  it("changes nothing without an observed metric: factor 1, the formula as before", () => {
    const out = observeOrigins({ ...base, observedOrigins: [], observed: {}, state: EMPTY_BALANCER_STATE });
    expect(out.calibration.status).toBe("not-configured");
    expect(out.samples).toEqual(base.samples);
    expect(out.state).toEqual(EMPTY_BALANCER_STATE);
  });

  it("holds the factor when the configured metric has no datapoint, and says so", () => {
    const out = observeOrigins({
      ...base,
      observedOrigins: ["primary"],
      observed: { primary: new Map() },
      state: { ...EMPTY_BALANCER_STATE, calibration: { factor: 1.2 } },
    });
    expect(out.calibration.status).toBe("no-observed-data");
    expect(out.samples[0]?.load).toBeCloseTo(7200);
  });

  it("leaves out the observed metric's newest, still incomplete minutes", () => {
    const observed = new Map(base.samples.map((s) => [s.minute, 6600]));
    const out = observeOrigins({
      ...base,
      observedOrigins: ["primary"],
      observed: { primary: observed },
      state: EMPTY_BALANCER_STATE,
      now: new Date(T0 + 20 * 60_000),
    });
    // minutes 0..17 are complete at 20:20 with a 2-minute delay (minute + 1 + 2 <= now)
    expect(out.calibration.usedMinutes).toBe(18);
    expect(out.calibration.estimate).toBeCloseTo(1.1);
  });
});
