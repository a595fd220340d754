import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidScenarioError, loadScenario, parseScenario } from "../../sandbox/gameday/scenario";

const root = path.resolve(__dirname, "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "gameday-scenario-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const problemsOf = (text: string): string[] => {
  try {
    parseScenario(text, "mine.yml", scratch);
  } catch (error) {
    if (error instanceof InvalidScenarioError) return error.problems;
    throw error;
  }
  return [];
};

describe("game-day scenario files", () => {
  it("reads the default scenario: seven scenes in order, with their defaults filled in", () => {
    const scenario = loadScenario(path.join(root, "sandbox/scenarios/default.yml"));
    expect(scenario.scenes.map((s) => s.scene.name)).toEqual([
      "balancer-spike",
      "slack-chatops",
      "flow-control",
      "cert-rotation",
      "canary",
      "override-pin",
      "watchdog",
    ]);
    expect(scenario.start).toBe(19 * 60 + 40);
    expect(scenario.tracePath).toBe(path.join(root, "test/fixtures/traces/sale-spike.csv"));
    expect(scenario.scenes[4]?.params).toMatchObject({ after: 3, advances: 2, alarmAfterMinutes: 3 });
  });

  it("lists every problem of a bad file with its path: unknown scene, unknown key, bad time, bad trace", () => {
    const problems = problemsOf(`
name: broken
trace: no-such-trace
start: "25:00"
scenes:
  - scene: balancer-spike
    minuts: 30
  - scene: volcano
  - scene: override-pin
    expiresInMinutes: 30
    minutes: 20
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^start: must be a time of day HH:MM/),
        expect.stringMatching(/^scenes\.0 \(balancer-spike\)\..*minuts/),
        expect.stringMatching(
          /^scenes\.1\.scene: unknown scene "volcano" \(known: balancer-spike, flow-control/,
        ),
        expect.stringMatching(/^scenes\.2 \(override-pin\)\.minutes: must be longer than expiresInMinutes/),
      ]),
    );
    expect(problemsOf("name: x\nstart: '19:00'\ntrace: nope\nscenes: [{ scene: cert-rotation }]")).toEqual([
      expect.stringMatching(/^trace: nope is neither a bundled trace nor a CSV file/),
    ]);
    expect(problemsOf("name: [unclosed")).toEqual([expect.stringMatching(/^not YAML/)]);
  });

  it("refuses a bad scenario from the command line before starting anything, naming the problem", () => {
    const file = path.join(scratch, "bad.yml");
    writeFileSync(file, "name: bad\nstart: '19:40'\nscenes:\n  - scene: balancer-spike\n    minutes: 2\n");
    const run = spawnSync("npx", ["tsx", "sandbox/start.ts", "--scenario", file], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`invalid scenario ${file}`);
    expect(run.stderr).toMatch(/scenes\.0 \(balancer-spike\)\.minutes: .*5/);
    expect(run.stdout).not.toContain("sandbox up");
  });
});
