import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GamedayResult, runGameday } from "../../sandbox/gameday/run-gameday";
import { parseScenario } from "../../sandbox/gameday/scenario";
import { motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();
const root = path.resolve(__dirname, "../..");
const artifacts = path.join(root, "test-artifacts");

/** Debian's package installs `chromium`; other systems may call it chromium-browser. */
function findChromium(): string | undefined {
  for (const candidate of [process.env.CHROMIUM_BIN, "chromium", "chromium-browser"]) {
    if (candidate && spawnSync(candidate, ["--version"], { stdio: "ignore" }).status === 0) return candidate;
  }
  return undefined;
}

const chromium = findChromium();
if (chromium === undefined) {
  if (process.env.CI === "true")
    throw new Error("chromium is not installed but CI=true: .ci/run installs it");
  console.warn(
    "\n!!! chromium is not installed: SKIPPING the game-day report rendering test (apt-get install -y chromium)\n",
  );
}

/** A short game day with every kind of chart and a Slack thread, without HAProxy. */
const SCENARIO = `
name: report rendering
trace: sale-spike
start: "19:50"
scenes:
  - { scene: balancer-spike, minutes: 30, maxOverloadMinutes: 30 }
  - { scene: cert-rotation, after: 1 }
  - { scene: canary, after: 1, advances: 1, alarmAfterMinutes: 2 }
`;

describe.skipIf(!hasMoto || chromium === undefined)("the game-day HTML report in headless Chromium", () => {
  let result: GamedayResult;
  let profile: string;
  const browse = (...args: string[]) =>
    spawnSync(
      chromium as string,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        `--user-data-dir=${profile}`,
        ...args,
        `file://${result.reportPath}`,
      ],
      { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    profile = mkdtempSync(path.join(tmpdir(), "gameday-chromium-"));
    result = await runGameday({
      scenario: parseScenario(SCENARIO, "report.yml", root),
      reportPath: path.join(artifacts, "gameday-report.html"),
      print: () => undefined,
    });
  }, 180_000);

  afterAll(() => {
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("renders the SVG charts of load, capacity, weights and canary share with real data", () => {
    expect(result.passed).toBe(true);
    const run = browse("--dump-dom");
    expect(run.status, run.stderr).toBe(0);
    const dom = run.stdout;
    for (const id of ["chart-load", "chart-weights", "chart-canary"]) {
      const svg = new RegExp(`<svg[^>]*data-chart="${id}"[^>]*>([\\s\\S]*?)</svg>`).exec(dom)?.[1] ?? "";
      const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1] ?? "");
      expect(paths.length, id).toBeGreaterThan(0);
      // A drawn series has many points, not the empty placeholder.
      expect(Math.max(...paths.map((d) => (d.match(/[LHV]/g) ?? []).length)), id).toBeGreaterThan(2);
    }
    expect(dom).toContain("primary capacity");
  });

  it("renders every Slack message like Slack: text, colour bar, header and fields, threads under their root", () => {
    const dom = browse("--dump-dom").stdout;
    const posts = result.scenes.length > 0 ? countPosts(dom) : 0;
    expect(posts).toBeGreaterThanOrEqual(6);
    expect(dom).toMatch(/class="attachment" style="border-left-color:\s*#[0-9a-f]{6}/);
    expect(dom).toContain('class="block-fields"');
    expect(dom).toMatch(/class="thread-count">\d+ repl/);
    expect(dom).toContain("rotated to certificate");
    expect(dom).toContain("ROLLED BACK");
    expect(dom).toMatch(/<span class="verdict passed" id="verdict">every scene holds/);
    // One moment, both clocks: trace time beside the UTC instant the handlers and Slack texts use.
    expect(dom).toMatch(/<span class="time">\d\d:\d\d \(\d\d:\d\dZ\)<\/span>/);
    expect(dom).toMatch(/<tr><td>\d\d:\d\d \(\d\d:\d\dZ\)<\/td>/);
  });

  it("saves a screenshot of the rendered report as a test artifact", () => {
    const screenshot = path.join(artifacts, "gameday-report.png");
    rmSync(screenshot, { force: true });
    const run = browse(`--screenshot=${screenshot}`, "--window-size=1280,2000", "--hide-scrollbars");
    expect(run.status, run.stderr).toBe(0);
    // A blank page compresses to a few kilobytes; charts and messages do not.
    expect(statSync(screenshot).size).toBeGreaterThan(40_000);
  });
});

function countPosts(dom: string): number {
  return (dom.match(/class="slack-message"/g) ?? []).length;
}
