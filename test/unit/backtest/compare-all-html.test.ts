import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../tools/backtest/cli";
import { reportPathFor } from "../../../tools/backtest/compare-all-reports";

describe("backtest --compare-all --html", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "compare-all-html-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("writes one report per benchmark trace beside the given name, and the table as without --html", () => {
    const html = path.join(scratch, "report.html");
    const run = main(["--compare-all", "--markdown", "--html", html]);
    expect(run.exitCode, run.stderr).toBe(0);
    for (const trace of ["sale-spike", "flash-crowd", "boundary-noise", "metric-gaps"]) {
      const file = path.join(scratch, `report-${trace}.html`);
      expect(run.stdout).toContain(`report written to ${file}`);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, "utf8")).toContain(`<h1>Origin balancer backtest: ${trace}.csv</h1>`);
    }
    expect(run.stdout).toMatch(/^\| trace \| capacity \| policy/);
  });

  it.each([
    ["out/report.html", "sale-spike", "out/report-sale-spike.html"],
    ["report", "flash-crowd", "report-flash-crowd.html"],
  ])("names %s for %s as %s", (html, trace, expected) => {
    expect(reportPathFor(html, trace)).toBe(expected);
  });
});
