import { describe, expect, it } from "vitest";
import { runPolicies } from "../../../tools/backtest/compare";
import { DEFAULT_SIMULATION_OPTIONS, twoOriginPolicy } from "../../../tools/backtest/defaults";
import { downsample, MAX_POINTS_PER_SERIES, renderReport } from "../../../tools/backtest/report-html";

const START = Date.parse("2026-01-01T00:00:00Z");

/** Two hours at 800/min with a 3x spike at 01:00 for 20 minutes, and a metric gap at 00:30. */
function spikeCsv(): string {
  const lines = ["minute,requests,cache_hit_rate,total_error_rate,origin_requests"];
  for (let i = 0; i < 120; i++) {
    const load = i >= 60 && i < 80 ? 2400 : 800;
    const metrics = i === 30 ? ",," : `${load * 10},90,0`;
    lines.push(`${new Date(START + i * 60_000).toISOString()},${metrics},${load}`);
  }
  return lines.join("\n");
}

describe("the HTML backtest report", () => {
  const runs = runPolicies(spikeCsv(), "spike <test>.csv", twoOriginPolicy(1000), DEFAULT_SIMULATION_OPTIONS);
  const html = renderReport({
    traceName: "spike <test>.csv",
    primary: "primary",
    capacity: 1000,
    settings: DEFAULT_SIMULATION_OPTIONS,
    runs,
  });

  it("draws the load chart and the split chart as inline SVG", () => {
    expect(html.match(/<svg /g)).toHaveLength(2);
    for (const series of [
      "origin requests (ground truth)",
      "estimated load (what the policy sees)",
      "primary capacity",
      "primary load, autopilot",
      "primary load, seed",
      "primary share, autopilot",
      "primary share, seed",
    ]) {
      expect(html).toContain(`<title>${series}</title>`);
    }
  });

  it("shows the summary of both policies side by side", () => {
    const autopilot = runs[0]?.result.summary;
    expect(html).toContain("<th>autopilot</th><th>seed</th><th>autopilot/seed</th>");
    expect(html).toContain(`<th>changes</th><td>${autopilot?.changes}</td>`);
  });

  it("lists every decision of both policies", () => {
    const decisions = runs.reduce((n, r) => n + r.result.decisions.length, 0);

    expect(decisions).toBeGreaterThan(2);
    expect(html.match(/<tr><td>2026-01-01 \d\d:\d\d<\/td>/g)).toHaveLength(decisions);
  });

  it("loads nothing from outside the page", () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
  });

  it("escapes the trace name", () => {
    expect(html).toContain("spike &#60;test&#62;.csv");
    expect(html).not.toContain("<test>");
  });
});

describe("series downsampling", () => {
  it("keeps a day of minutes as it is, breaking the line at gaps", () => {
    const runsOf = downsample([1, 2, undefined, 4, 5], MAX_POINTS_PER_SERIES);

    expect(runsOf).toEqual([
      [
        { at: 0, value: 1 },
        { at: 1, value: 2 },
      ],
      [
        { at: 3, value: 4 },
        { at: 4, value: 5 },
      ],
    ]);
  });

  it("draws a flat stretch with its two ends", () => {
    expect(downsample([3, 3, 3, 3, 5, 5], MAX_POINTS_PER_SERIES)).toEqual([
      [
        { at: 0, value: 3 },
        { at: 3, value: 3 },
        { at: 4, value: 5 },
        { at: 5, value: 5 },
      ],
    ]);
  });

  it("thins a long series to the point budget and keeps its peak", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i === 7777 ? 99_999 : i % 50));
    const points = downsample(values, MAX_POINTS_PER_SERIES).flat();

    expect(points.length).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    expect(points).toContainEqual({ at: 7777, value: 99_999 });
    expect(points.map((p) => p.at)).toEqual([...points.map((p) => p.at)].sort((a, b) => a - b));
  });
});
