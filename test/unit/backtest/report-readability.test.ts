import { describe, expect, it } from "vitest";
import { runPolicies } from "../../../tools/backtest/compare";
import { DEFAULT_SIMULATION_OPTIONS, twoOriginPolicy } from "../../../tools/backtest/defaults";
import { focusWindow } from "../../../tools/backtest/report-glossary";
import { renderReport } from "../../../tools/backtest/report-html";

const START = Date.parse("2026-01-01T00:00:00Z");

/** Ten hours at 800/min with a 3x spike from 06:00 to 06:40. */
function dayCsv(): string {
  const lines = ["minute,requests,cache_hit_rate,total_error_rate,origin_requests"];
  for (let i = 0; i < 600; i++) {
    const load = i >= 360 && i < 400 ? 2400 : 800;
    lines.push(`${new Date(START + i * 60_000).toISOString()},${load * 10},90,0,${load}`);
  }
  return lines.join("\n");
}

describe("the backtest report, readable without the source", () => {
  const html = renderReport({
    traceName: "day.csv",
    primary: "primary",
    capacity: 1000,
    settings: DEFAULT_SIMULATION_OPTIONS,
    runs: runPolicies(dayCsv(), "day.csv", twoOriginPolicy(1000), DEFAULT_SIMULATION_OPTIONS),
  });

  it("draws the ground truth last in its chart, thicker, so no other line hides it", () => {
    const svg =
      /<svg [^>]*aria-label="Origin requests per minute[^"]*">([\s\S]*?)<\/svg>/.exec(html)?.[1] ?? "";
    const titles = [...svg.matchAll(/<title>([^<]+)<\/title>/g)].map((m) => m[1]);
    expect(titles.at(-1)).toBe("origin requests (ground truth)");
    expect(svg).toMatch(/stroke-width="2"><title>origin requests \(ground truth\)/);
  });

  it("defines every measure of the summary with its unit", () => {
    for (const [term, unit] of <[string, string][]>[
      ["seed", "every 5 min"],
      ["oracle elastic", "(requests)"],
      ["flaps", "(count)"],
      ["overload excess", "(requests)"],
      ["overload minutes", "(minutes)"],
      ["elastic/oracle", "(ratio)"],
    ]) {
      expect(html).toMatch(new RegExp(`<dt>${term}</dt><dd>[^<]*${unit.replace(/[()]/g, "\\$&")}`));
    }
  });

  it("adds a focus on the decisive hours before the whole trace", () => {
    expect(html).toContain("<h2>The decisive hours: 05:00–07:39</h2>");
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html.indexOf("The decisive hours")).toBeLessThan(html.indexOf("Load, whole trace"));
  });

  it.each([
    ["a short trace", Array(300).fill(2000), undefined],
    ["a trace that never passes capacity", Array(600).fill(500), undefined],
    [
      "the episode holding the peak, not the first one",
      Array.from({ length: 1440 }, (_, i) =>
        i >= 600 && i < 620 ? 1100 : i >= 1200 && i < 1260 ? 5000 : 500,
      ),
      { from: 1140, to: 1319 },
    ],
  ])("focus window of %s", (_, requests, expected) => {
    expect(focusWindow(requests, 1000)).toEqual(expected);
  });
});
