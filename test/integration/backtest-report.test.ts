import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../tools/backtest/cli";
import { browse, findChromium } from "../support/chromium";

const root = path.resolve(__dirname, "../..");
const artifacts = path.join(root, "test-artifacts");
const chromium = findChromium();
if (chromium === undefined) {
  if (process.env.CI === "true")
    throw new Error("chromium is not installed but CI=true: .ci/run installs it");
  console.warn("\n!!! chromium is not installed: SKIPPING the backtest report rendering test\n");
}

describe.skipIf(chromium === undefined)("the backtest HTML report in headless Chromium", () => {
  const report = path.join(artifacts, "backtest-report.html");
  let profile: string;
  const open = (...args: string[]) => browse(chromium as string, profile, report, ...args);

  beforeAll(() => {
    mkdirSync(artifacts, { recursive: true });
    profile = mkdtempSync(path.join(tmpdir(), "backtest-chromium-"));
    const run = main([
      "--trace",
      "test/fixtures/traces/sale-spike.csv",
      "--capacity",
      "9000",
      "--html",
      report,
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
  });

  afterAll(() => {
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("renders the focus on the sale, the whole day, and the definitions of every measure", () => {
    const run = open("--dump-dom");
    expect(run.status, run.stderr).toBe(0);
    const dom = run.stdout;
    expect(dom).toContain("The decisive hours: 19:00–22:59");
    expect(dom.match(/<svg /g)).toHaveLength(4);
    for (const term of ["seed", "oracle elastic", "flaps", "overload excess"])
      expect(dom).toContain(`<dt>${term}</dt>`);
    // Every chart has a drawn series of many points, not an empty placeholder.
    for (const svg of dom.match(/<svg [\s\S]*?<\/svg>/g) ?? []) {
      const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1] ?? "");
      expect(Math.max(...paths.map((d) => (d.match(/L/g) ?? []).length))).toBeGreaterThan(2);
    }
  });

  it("saves a screenshot of the rendered report as a test artifact", () => {
    const screenshot = path.join(artifacts, "backtest-report.png");
    rmSync(screenshot, { force: true });
    const run = open(`--screenshot=${screenshot}`, "--window-size=1280,1900", "--hide-scrollbars");
    expect(run.status, run.stderr).toBe(0);
    // A blank page compresses to a few kilobytes; charts and tables do not.
    expect(statSync(screenshot).size).toBeGreaterThan(100_000);
  });
});
