import { readFileSync } from "node:fs";
import path from "node:path";
import { BENCHMARK_TRACES, type PolicyRun, runPolicies, type SimulationSettings } from "./compare";
import { type BalancerPolicyKnobs, twoOriginPolicy } from "./defaults";
import { renderReport } from "./report-html";

/** `report.html` + `sale-spike` -> `report-sale-spike.html`, beside it. */
export function reportPathFor(html: string, trace: string): string {
  const ext = path.extname(html) || ".html";
  return path.join(path.dirname(html), `${path.basename(html, path.extname(html))}-${trace}${ext}`);
}

/**
 * `--compare-all --html report.html`: one HTML report per benchmark trace (report-<trace>.html), the same
 * as `--trace T --capacity C --html` would write for each. Returns the files written.
 */
export function writeCompareAllReports(
  html: string,
  settings: SimulationSettings,
  knobs: Partial<BalancerPolicyKnobs>,
  readTrace: (name: string) => string,
  write: (file: string, text: string) => void,
): string[] {
  return BENCHMARK_TRACES.map(({ name, capacity }) => {
    const runs: PolicyRun[] = runPolicies(
      readTrace(name),
      `${name}.csv`,
      twoOriginPolicy(capacity, knobs),
      settings,
    );
    const file = reportPathFor(html, name);
    write(file, renderReport({ traceName: `${name}.csv`, primary: "primary", capacity, settings, runs }));
    return file;
  });
}

/** A bundled benchmark trace's CSV (test/fixtures/traces/<name>.csv). */
export function benchmarkTrace(name: string): string {
  return readFileSync(new URL(`../../test/fixtures/traces/${name}.csv`, import.meta.url), "utf8");
}
