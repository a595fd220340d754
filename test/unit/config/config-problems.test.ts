import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../../cli/main";
import { loadReportingOnce } from "../../../infra/serverless/stage-errors";
import { closest, levenshtein } from "../../../shared/config/config-problems";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { loadStageFile } from "../../../shared/config/stage-file";
import { InvalidConfigError } from "../../../shared/errors";

const root = path.resolve(__dirname, "../../..");
const sandbox = readFileSync(path.join(root, "config/sandbox.yml"), "utf8");

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

describe("stage-file problems, said concisely", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "config-problems-"));
  mkdirSync(path.join(scratch, "config"));
  writeFileSync(path.join(scratch, "config/sandbox.yml"), sandbox);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const typos = sandbox
    .replace("targetUtilisation: 0.85", "targetUtilisaton: 0.85")
    .replace(/^ {2}channel: .*$/m, "")
    .concat("overides: { maxHours: 4 }\n");

  it("suggests the allowed key nearest to an unknown one, at any depth, and says required", () => {
    expect(problemsOf(() => parseStageConfig(typos, "sandbox.yml"))).toEqual([
      "slack.channel: required",
      'originBalancer.pools.0.origins.0: unknown key "targetUtilisaton" (did you mean "targetUtilisation"?)',
      '(root): unknown key "overides" (did you mean "overrides"?)',
    ]);
  });

  it("offers nothing when no allowed key is close", () => {
    expect(closest("volcano", ["stage", "region", "slack"])).toBeUndefined();
    expect(levenshtein("noiseMargn", "noiseMargin")).toBe(1);
  });

  it("names the stages there are when the stage file is missing", () => {
    expect(problemsOf(() => loadStageFile("prdo", scratch))).toEqual([
      'no stage file for stage "prdo"; the stages here are: sandbox (config/<stage>.yml)',
    ]);
  });

  it("prints the problems once however many times serverless resolves the stage file", () => {
    const written: string[] = [];
    const load = () =>
      loadReportingOnce(
        "prdo",
        () => loadStageFile("prdo", scratch),
        (t) => written.push(t),
      );
    for (let i = 0; i < 3; i += 1) expect(load).toThrow(/^invalid config\/prdo\.yml \(problems listed above/);
    expect(written).toEqual([
      '\nconfig/prdo.yml: 1 problem\n  - no stage file for stage "prdo"; the stages here are: sandbox (config/<stage>.yml)\n',
    ]);
  });

  it("`autopilot config check --stage S` lists every problem once and exits 2; a good file exits 0", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await runCli(["config", "check", "--stage", "nosuch"], io)).toBe(2);
    expect(err.join("")).toMatch(
      /^config\/nosuch\.yml: 1 problem\n {2}- no stage file for stage "nosuch"; the stages here are: .*sandbox/,
    );
    expect(await runCli(["config", "check", "--stage", "sandbox"], io)).toBe(0);
    expect(out.join("")).toBe("config/sandbox.yml: ok (originBalancer, flowControl, certRotation, canary)\n");
  });
});
