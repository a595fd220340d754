import { describe, expect, it } from "vitest";
import { planWeights } from "../../../shared/origin-balancer/domain/plan-weights";
import type {
  BalancerPolicy,
  BalancerState,
  LoadSample,
  Weights,
} from "../../../shared/origin-balancer/domain/types";
import { EMPTY_BALANCER_STATE } from "../../../shared/origin-balancer/domain/types";
import { weightsToShares } from "../../../shared/origin-balancer/domain/weights";

const NOW = new Date("2026-11-02T20:30:00Z");
const policy: BalancerPolicy = {
  origins: [
    { setIdentifier: "primary", capacity: 9000, targetUtilisation: 0.85 },
    { setIdentifier: "elastic", targetUtilisation: 1 },
  ],
  engageUtilisation: 0.95,
  releaseAfterMinutes: 30,
  releaseStepUtilisation: 0.25,
  cooldownMinutes: 5,
  maxChangesPerHour: 6,
  reversalGuardMinutes: 15,
  deadBandShare: 0.05,
  minWeight: 1,
  forecastHorizonMinutes: 5,
  noiseMargin: 1.5,
  minDatapoints: 5,
};

/** Ten minutes ending 3 minutes before NOW (settled), oldest first. */
function minutes(loads: number[]): LoadSample[] {
  return loads.map((load, i) => ({
    minute: new Date(NOW.getTime() - (loads.length - i + 2) * 60_000).toISOString(),
    load,
  }));
}
const flat = (load: number, n = 10) => minutes(Array.from({ length: n }, () => load));
const ago = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const PRIMARY_ONLY: Weights = { primary: 254, elastic: 1 };
const primaryShare = (w: Weights) => weightsToShares(w).primary ?? 0;

describe("planWeights", () => {
  it.each<
    [
      string,
      LoadSample[],
      Weights,
      BalancerState,
      Partial<BalancerPolicy>,
      (p: ReturnType<typeof planWeights>) => void,
    ]
  >([
    [
      "offloads in the first evaluation that sees a spike",
      minutes([6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 18000, 18000]),
      PRIMARY_ONLY,
      EMPTY_BALANCER_STATE,
      {},
      (p) => {
        expect(p.rule).toBe("offload");
        expect(p.changed).toBe(true);
        expect(p.urgent).toBe(true);
        // two minutes at 18,000 stand out of the noise: planned for, not averaged away
        expect(primaryShare(p.after)).toBeLessThan(0.5);
      },
    ],
    [
      "projects a slow but steady ramp before it reaches capacity",
      minutes([6000, 6200, 6400, 6600, 6800, 7000, 7200, 7400, 7600, 7800]),
      PRIMARY_ONLY,
      EMPTY_BALANCER_STATE,
      {},
      (p) => {
        expect(p.forecast?.trend).toBeCloseTo(200);
        expect(p.rule).toBe("offload");
        expect(p.urgent).toBe(false);
      },
    ],
    [
      "holds weights when the plan moves less than the dead band",
      flat(9500),
      { primary: 200, elastic: 55 },
      EMPTY_BALANCER_STATE,
      {},
      (p) => {
        expect(p.changed).toBe(false);
        expect(p.guards.map((g) => g.name)).toEqual(["dead-band"]);
      },
    ],
    [
      "does not give load back within the reversal guard of an offload",
      flat(4000),
      { primary: 100, elastic: 155 },
      { recentChanges: [{ at: ago(10), direction: 1 }] },
      {},
      (p) => {
        expect(p.rule).toBe("give-back");
        expect(p.changed).toBe(false);
        expect(p.guards.map((g) => g.name)).toContain("reversal");
      },
    ],
    [
      "counts the reversal guard's boundary as a flap, like the backtest: blocked at exactly 15 minutes",
      flat(4000),
      { primary: 100, elastic: 155 },
      { recentChanges: [{ at: ago(15), direction: 1 }] },
      {},
      (p) => {
        expect(p.changed).toBe(false);
        expect(p.guards.map((g) => g.name)).toContain("reversal");
      },
    ],
    [
      "gives load back in a bounded step as soon as the forecast allows it",
      flat(4000),
      { primary: 100, elastic: 155 },
      { recentChanges: [{ at: ago(16), direction: 1 }] },
      {},
      (p) => {
        expect(p.rule).toBe("give-back");
        expect(p.direction).toBe(-1);
        // primary load may rise by at most 25% of 9,000 = 2,250/min in one step
        const rise = (primaryShare(p.after) - primaryShare(p.before)) * 4000;
        expect(rise).toBeLessThanOrEqual(2250 + 4000 / 255);
        expect(primaryShare(p.after)).toBeLessThan(1);
      },
    ],
    [
      "keeps the elastic share while a peak of the last releaseAfterMinutes would not fit",
      flat(4000),
      { primary: 100, elastic: 155 },
      { recentChanges: [{ at: ago(20), direction: 1 }], recentPeaks: [{ at: ago(10), load: 20000 }] },
      {},
      (p) => {
        expect(p.changed).toBe(false);
        expect(p.nextState.recentPeaks?.[0]).toEqual({ at: ago(10), load: 20000 });
      },
    ],
    [
      "sizes an offload near capacity with one margin: the planning load fills the primary to capacity",
      minutes(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 6380 : 4620))),
      PRIMARY_ONLY,
      EMPTY_BALANCER_STATE,
      {
        origins: [
          { setIdentifier: "primary", capacity: 6000, targetUtilisation: 0.85 },
          { setIdentifier: "elastic", targetUtilisation: 1 },
        ],
        noiseMargin: 1,
      },
      (p) => {
        // the worked example of planWeights' doc comment
        expect(p.rule).toBe("offload");
        expect(Math.round(p.forecast?.planningLoad ?? 0)).toBe(6351);
        expect(p.after).toEqual({ primary: 238, elastic: 17 });
      },
    ],
    [
      "does not flap on noise at the boundary right after an offload",
      minutes([5200, 6900, 4800, 6100, 7000, 5000, 6500, 5400, 6800, 5600]),
      { primary: 190, elastic: 65 },
      { recentChanges: [{ at: ago(8), direction: 1 }] },
      {
        origins: [
          { setIdentifier: "primary", capacity: 9000, targetUtilisation: 0.85 },
          { setIdentifier: "elastic", targetUtilisation: 1 },
        ],
      },
      (p) => expect(p.changed).toBe(false),
    ],
    [
      "holds and says so when there are too few usable minutes (NODATA)",
      flat(20000, 4),
      PRIMARY_ONLY,
      EMPTY_BALANCER_STATE,
      {},
      (p) => {
        expect(p.rule).toBe("no-data");
        expect(p.after).toEqual(PRIMARY_ONLY);
        expect(p.nextState.noDataSince).toBe(NOW.toISOString());
        expect(p.reason).toContain("4 usable minutes, 5 needed");
      },
    ],
    [
      "treats an incomplete tail (settling minutes already dropped) as fewer minutes, not as low load",
      flat(12000, 5),
      PRIMARY_ONLY,
      EMPTY_BALANCER_STATE,
      {},
      (p) => expect(p.rule).toBe("offload"),
    ],
    [
      "fills three origins in cost order",
      flat(20000),
      { a: 253, b: 1, c: 1 },
      EMPTY_BALANCER_STATE,
      {
        origins: [
          { setIdentifier: "a", capacity: 9000, targetUtilisation: 0.85 },
          { setIdentifier: "b", capacity: 6000, targetUtilisation: 0.85 },
          { setIdentifier: "c", targetUtilisation: 1 },
        ],
      },
      (p) => {
        const s = weightsToShares(p.after);
        expect(s.a).toBeCloseTo(7650 / 20000, 1);
        expect(s.b).toBeCloseTo(5100 / 20000, 1);
        expect((s.c ?? 0) > 0.3).toBe(true);
      },
    ],
    [
      "keeps the minimum weight on the standby origin",
      flat(3000),
      { primary: 200, elastic: 55 },
      { recentChanges: [], belowReleaseSince: ago(60) },
      { releaseStepUtilisation: 1 },
      (p) => expect(p.after).toEqual({ primary: 254, elastic: 1 }),
    ],
    [
      "handles a weight of 0 as a value (cold standby) and never sets all weights to zero",
      flat(20000),
      { primary: 255, elastic: 0 },
      EMPTY_BALANCER_STATE,
      { minWeight: 0 },
      (p) => {
        expect(p.before).toEqual({ primary: 255, elastic: 0 });
        expect(p.after.elastic).toBeGreaterThan(0);
        expect(Object.values(p.after).some((w) => w > 0)).toBe(true);
      },
    ],
    [
      "blocks a non-urgent change inside the cooldown and names the guard",
      flat(8700),
      PRIMARY_ONLY,
      { recentChanges: [{ at: ago(2), direction: 1 }] },
      {},
      (p) => {
        expect(p.changed).toBe(false);
        expect(p.guards.map((g) => g.name)).toContain("cooldown");
      },
    ],
    [
      "bypasses cooldown and the hourly cap when the origin would be over capacity",
      flat(15000),
      PRIMARY_ONLY,
      {
        recentChanges: Array.from({ length: 6 }, (_, i) => ({ at: ago(50 - i * 9), direction: 1 as const })),
      },
      {},
      (p) => {
        expect(p.changed).toBe(true);
        expect(p.guards.find((g) => g.name === "max-changes-per-hour")?.verdict).toBe("passed");
      },
    ],
    [
      "ignores share moves inside the dead band",
      flat(8300),
      { primary: 233, elastic: 22 },
      { recentChanges: [], belowReleaseSince: ago(5) },
      { noiseMargin: 0, forecastHorizonMinutes: 0, engageUtilisation: 0.9 },
      (p) => expect(p.changed).toBe(false),
    ],
  ])("%s", (_name, samples, currentWeights, state, overrides, check) => {
    check(planWeights({ samples, currentWeights, state, policy: { ...policy, ...overrides }, now: NOW }));
  });
});
