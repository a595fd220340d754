import { describe, expect, it } from "vitest";
import {
  canaryPercent,
  forwardOf,
  rollbackSplit,
  sameSplit,
  splitOf,
  weightsFor,
} from "../../../shared/canary/domain/split";

const groups = { stableArn: "arn:stable", canaryArn: "arn:canary" };

describe("canary weights", () => {
  it.each([
    [0, 999, 0],
    [0.1, 999, 1],
    [1, 990, 10],
    [5, 950, 50],
    [25, 750, 250],
    [50, 500, 500],
    [99.9, 1, 999],
    [100, 0, 999],
  ])("sends %s%% to the canary with weights %i/%i, inside the ALB's 0–999", (percent, stable, canary) => {
    expect(weightsFor(percent)).toEqual({ stableWeight: stable, canaryWeight: canary });
    expect(canaryPercent({ stableWeight: stable, canaryWeight: canary })).toBe(percent);
  });

  it("reads a group missing from the forward action as weight 0, and other groups with traffic as strangers", () => {
    const { split, strangers } = splitOf(
      { weights: { "arn:stable": 1, "arn:other": 5 }, stickiness: { enabled: false } },
      groups,
    );
    expect(split).toEqual({ stableWeight: 1, canaryWeight: 0, stickiness: { enabled: false } });
    expect(strangers).toEqual(["arn:other"]);
  });

  it("keeps a zero-weight group that was already in the action when writing", () => {
    const current = {
      weights: { "arn:stable": 999, "arn:canary": 0, "arn:old": 0 },
      stickiness: { enabled: false },
    };
    expect(forwardOf(rollbackSplit(), groups, current).weights).toEqual({
      "arn:stable": 999,
      "arn:canary": 0,
      "arn:old": 0,
    });
  });

  it("compares stickiness duration only when stickiness is on", () => {
    const off = { stableWeight: 999, canaryWeight: 0 };
    expect(
      sameSplit(
        { ...off, stickiness: { enabled: false } },
        { ...off, stickiness: { enabled: false, durationSeconds: 3600 } },
      ),
    ).toBe(true);
    expect(
      sameSplit(
        { ...off, stickiness: { enabled: true, durationSeconds: 60 } },
        { ...off, stickiness: { enabled: true, durationSeconds: 3600 } },
      ),
    ).toBe(false);
  });
});
