import { describe, expect, it } from "vitest";
import { InvalidConfigError } from "../../../shared/errors";
import {
  DEFAULT_BALANCER_POLICY_KNOBS,
  knobsFromConfig,
  policyFromConfig,
  twoOriginPolicy,
} from "../../../tools/backtest/defaults";

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected an InvalidConfigError");
}

describe("the backtest policy defaults", () => {
  it("builds a primary origin at 85% of its capacity and an unbounded elastic one with the default knobs", () => {
    expect(twoOriginPolicy(9000)).toEqual({
      ...DEFAULT_BALANCER_POLICY_KNOBS,
      origins: [
        { setIdentifier: "primary", capacity: 9000, targetUtilisation: 0.85 },
        { setIdentifier: "elastic", targetUtilisation: 1 },
      ],
    });
  });

  it("lets a knob override replace only that knob", () => {
    const policy = twoOriginPolicy(6000, { cooldownMinutes: 10 });

    expect(policy).toMatchObject({ cooldownMinutes: 10, engageUtilisation: 0.95, minDatapoints: 5 });
  });
});

describe("a backtest config file", () => {
  it("builds the policy from its origins, defaulting the bounded ones' target to 85%", () => {
    const policy = policyFromConfig(
      {
        origins: [{ setIdentifier: "nke", capacity: 9000 }, { setIdentifier: "gke" }],
        noiseMargin: 2,
      },
      "pool.yml",
    );

    expect(policy.origins).toEqual([
      { setIdentifier: "nke", capacity: 9000, targetUtilisation: 0.85 },
      { setIdentifier: "gke", targetUtilisation: 1 },
    ]);
    expect(policy).toMatchObject({ noiseMargin: 2, releaseAfterMinutes: 30 });
  });

  it("may hold only knob overrides when --capacity gives the origins", () => {
    expect(policyFromConfig({ maxChangesPerHour: 4 }, "knobs.yml", 6000)).toEqual(
      twoOriginPolicy(6000, { maxChangesPerHour: 4 }),
    );
  });

  const rejected: { behaviour: string; raw: Record<string, unknown>; problem: string }[] = [
    {
      behaviour: "an unknown top-level key",
      raw: { coolDownMinutes: 5 },
      problem: "coolDownMinutes: unknown key",
    },
    {
      behaviour: "an unknown origin key",
      raw: { origins: [{ setIdentifier: "a", capacity: 1, weight: 3 }, { setIdentifier: "b" }] },
      problem: "origins.0.weight: unknown key",
    },
    {
      behaviour: "a capacity that is not a number",
      raw: { origins: [{ setIdentifier: "a", capacity: "9000" }, { setIdentifier: "b" }] },
      problem: "origins.0.capacity:",
    },
    { behaviour: "a negative cooldown", raw: { cooldownMinutes: -1 }, problem: "cooldownMinutes:" },
    {
      behaviour: "a fractional change cap",
      raw: { maxChangesPerHour: 2.5 },
      problem: "maxChangesPerHour:",
    },
    {
      behaviour: "a target above 100%",
      raw: {
        origins: [{ setIdentifier: "a", capacity: 1, targetUtilisation: 1.2 }, { setIdentifier: "b" }],
      },
      problem: "origins.0.targetUtilisation:",
    },
    {
      behaviour: "a single origin",
      raw: { origins: [{ setIdentifier: "a", capacity: 1 }] },
      problem: "origins:",
    },
    {
      behaviour: "an unbounded origin before the last",
      raw: { origins: [{ setIdentifier: "a" }, { setIdentifier: "b", capacity: 1 }] },
      problem: "origins.0.capacity: missing; only the last origin may be unbounded",
    },
    {
      behaviour: "a SetIdentifier listed twice",
      raw: { origins: [{ setIdentifier: "a", capacity: 1 }, { setIdentifier: "a" }] },
      problem: 'origins.1.setIdentifier: "a" is listed twice',
    },
    {
      behaviour: "the retired release threshold",
      raw: { releaseUtilisation: 0.7 },
      problem: "releaseUtilisation: unknown key",
    },
  ];
  it.each(rejected.map((row) => [row.behaviour, row] as const))(
    "is rejected for %s, naming the key",
    (_, { raw, problem }) => {
      const problems = problemsOf(() =>
        policyFromConfig(raw, "bad.yml", "origins" in raw ? undefined : 9000),
      );

      expect(problems.some((p) => p.startsWith(problem))).toBe(true);
    },
  );

  it("lists every bad key at once", () => {
    const problems = problemsOf(() =>
      policyFromConfig({ cooldownMinutes: -1, noiseMargin: "high", extra: 1 }, "bad.yml", 9000),
    );

    expect(problems).toHaveLength(3);
  });

  it.each(
    [
      {
        behaviour: "lists origins while --capacity is given",
        raw: { origins: [{ setIdentifier: "a", capacity: 1 }, { setIdentifier: "b" }] },
        capacity: 9000,
      },
      {
        behaviour: "lists no origins and no --capacity is given",
        raw: { cooldownMinutes: 3 },
        capacity: undefined,
      },
    ].map((row) => [row.behaviour, row] as const),
  )("is rejected when it %s", (_, { raw, capacity }) => {
    expect(problemsOf(() => policyFromConfig(raw, "pool.yml", capacity))[0]).toMatch(/^origins: /);
  });

  it("treats an empty file as no overrides", () => {
    expect(policyFromConfig(null, "empty.yml", 9000)).toEqual(twoOriginPolicy(9000));
  });

  it("gives the four-trace comparison its knobs and refuses origins there", () => {
    expect(knobsFromConfig({ noiseMargin: 2 }, "knobs.yml")).toEqual({ noiseMargin: 2 });
    expect(
      problemsOf(() =>
        knobsFromConfig({ origins: [{ setIdentifier: "a", capacity: 1 }, { setIdentifier: "b" }] }, "k.yml"),
      ),
    ).toEqual(["origins: not used here, each trace has its own capacity"]);
  });
});
