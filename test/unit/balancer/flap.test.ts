import { describe, expect, it } from "vitest";
import { isFlap } from "../../../shared/origin-balancer/domain/flap";

const at = (minute: number, direction: number) => ({ atMs: minute * 60_000, direction });

describe("isFlap", () => {
  it.each([
    ["a reversal within the window", at(0, 1), at(10, -1), true],
    ["a reversal at the window's boundary", at(0, 1), at(15, -1), true],
    ["a reversal after the window", at(0, 1), at(16, -1), false],
    ["a second change in the same direction", at(0, 1), at(1, 1), false],
    ["the first change", undefined, at(0, 1), false],
  ])("%s -> %s", (_name, previous, next, flap) => {
    expect(isFlap(previous, next, 15)).toBe(flap);
  });
});
