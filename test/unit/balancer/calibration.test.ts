import { describe, expect, it } from "vitest";
import {
  type CalibrationPolicy,
  calibrate,
  calibratedSamples,
  describeCalibration,
  type ObservedMinute,
} from "../../../shared/origin-balancer/domain/calibration";
import type { CalibrationState } from "../../../shared/origin-balancer/domain/types";

const policy: CalibrationPolicy = {
  minFactor: 0.5,
  maxFactor: 2,
  smoothingMinutes: 10,
  settleMinutes: 4,
  announceStep: 0.05,
};
const T0 = Date.parse("2026-11-02T20:00:00Z");
const at = (m: number) => new Date(T0 + m * 60_000).toISOString();
/** Minutes first..last, predicted 6,000 each, observed = predicted x ratio(minute). */
function series(first: number, last: number, ratio: (m: number) => number): ObservedMinute[] {
  const out: ObservedMinute[] = [];
  for (let m = first; m <= last; m++) out.push({ minute: at(m), predicted: 6000, observed: 6000 * ratio(m) });
  return out;
}

describe("calibrate", () => {
  it.each<
    [
      string,
      ObservedMinute[],
      string[],
      CalibrationState | undefined,
      (c: ReturnType<typeof calibrate>) => void,
    ]
  >([
    [
      "smooths: five minutes at +15% move a neutral factor 39% of the way (the doc example)",
      series(0, 4, () => 1.15),
      [],
      { factor: 1 },
      (c) => {
        expect(c.status).toBe("calibrated");
        expect(c.estimate).toBeCloseTo(1.15);
        expect(c.factor).toBeCloseTo(1 + 0.15 * (1 - Math.exp(-0.5)), 6);
        expect(c.usedMinutes).toBe(5);
      },
    ],
    [
      "is bounded above: a metric reading 10x cannot plan ten times the load",
      series(0, 59, () => 10),
      [],
      { factor: 1.9 },
      (c) => {
        expect(c.factor).toBe(2);
        expect(c.bounded).toBe("max");
      },
    ],
    [
      "is bounded below: a metric reading zero cannot plan zero load",
      series(0, 59, () => 0),
      [],
      undefined,
      (c) => {
        expect(c.factor).toBe(0.5);
        expect(c.bounded).toBe("min");
      },
    ],
    [
      "leaves out the minutes while the weights moved, and before the change",
      series(0, 19, (m) => (m < 14 ? 3 : 1.1)),
      [at(10)],
      { factor: 1 },
      (c) => {
        // change at minute 10 + settle 4: minutes 14..19 count, 0..13 do not (their split was not this one)
        expect(c.usedMinutes).toBe(6);
        expect(c.movingMinutes).toBe(14);
        expect(c.estimate).toBeCloseTo(1.1);
        expect(c.nextState.throughMinute).toBe(at(19));
      },
    ],
    [
      "holds the factor when every new minute is too close to a change",
      series(0, 5, () => 1.5),
      [at(3)],
      { factor: 1.1, throughMinute: at(-1) },
      (c) => {
        expect(c.status).toBe("weights-moving");
        expect(c.factor).toBe(1.1);
        expect(c.nextState).toEqual({ factor: 1.1, throughMinute: at(-1) });
      },
    ],
    [
      "holds the factor and says so when the observed metric has no datapoint",
      [],
      [],
      { factor: 1.12, throughMinute: at(30), announcedFactor: 1.12 },
      (c) => {
        expect(c.status).toBe("no-observed-data");
        expect(c.factor).toBe(1.12);
        expect(describeCalibration(c)).toContain("no datapoint");
      },
    ],
    [
      "counts each minute once however often the window re-reads it",
      series(0, 30, () => 1.3),
      [],
      { factor: 1, throughMinute: at(30) },
      (c) => {
        expect(c.status).toBe("no-new-minutes");
        expect(c.factor).toBe(1);
      },
    ],
    [
      "weighs busy minutes more than quiet ones (ratio of sums)",
      [
        { minute: at(0), predicted: 100, observed: 300 },
        { minute: at(1), predicted: 9900, observed: 9900 },
      ],
      [],
      { factor: 1 },
      (c) => expect(c.estimate).toBeCloseTo(1.02),
    ],
  ])("%s", (_name, minutes, changes, state, check) => {
    check(calibrate({ minutes, changes, state, policy }));
  });

  it("follows a sudden step in the bias within a few smoothing times, without overshoot", () => {
    let state: CalibrationState = { factor: 1 };
    const factors: number[] = [];
    // one run a minute, the newest minute arriving each run; the bias steps from 1.0 to 1.3 at minute 60
    for (let run = 0; run < 120; run++) {
      const c = calibrate({
        minutes: series(Math.max(0, run - 59), run, (m) => (m < 60 ? 1 : 1.3)),
        changes: [],
        state,
        policy,
      });
      state = c.nextState;
      factors.push(c.factor);
    }
    expect(factors[59]).toBeCloseTo(1, 6);
    expect(factors[69]).toBeGreaterThan(1.15); // one smoothing time: ~63% of the step
    expect(factors[89]).toBeGreaterThan(1.28); // three: ~95%
    expect(Math.max(...factors)).toBeLessThanOrEqual(1.3 + 1e-9);
  });

  it("says the factor again only when it moved by the announce step", () => {
    const first = calibrate({ minutes: series(0, 29, () => 1.2), changes: [], state: undefined, policy });
    expect(first.moved).toBe(true);
    expect(first.nextState.announcedFactor).toBe(first.factor);
    const second = calibrate({
      minutes: series(30, 30, () => 1.2),
      changes: [],
      state: first.nextState,
      policy,
    });
    expect(second.moved).toBe(false);
    expect(second.nextState.announcedFactor).toBe(first.factor);
  });

  it("scales the formula load by the factor", () => {
    const [sample] = calibratedSamples([{ minute: at(0), load: 6000 }], 1.15);
    expect(sample?.minute).toBe(at(0));
    expect(sample?.load).toBeCloseTo(6900, 6);
  });
});
