import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeCompiledStage } from "../../../infra/serverless/compiled-stage";
import { compileStageConfig } from "../../../shared/config/compile-stage-config";
import { COMPILED_STAGE_FORMAT, readCompiledStageConfig } from "../../../shared/config/compiled-stage-config";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { InvalidConfigError } from "../../../shared/errors";

const root = path.resolve(__dirname, "../../..");
const sandboxYaml = readFileSync(path.join(root, "config/sandbox.yml"), "utf8");
const scratch = mkdtempSync(path.join(tmpdir(), "compiled-stage-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected an InvalidConfigError");
}

describe("the compiled stage config", () => {
  it("reads back exactly what the full schema accepted at package time, defaults included", () => {
    const compiled = compileStageConfig(sandboxYaml, "config/sandbox.yml");
    expect(readCompiledStageConfig(compiled, "sandbox.json")).toEqual(
      parseStageConfig(sandboxYaml, "config/sandbox.yml"),
    );
    expect(JSON.parse(compiled)).toMatchObject({
      format: COMPILED_STAGE_FORMAT,
      source: "config/sandbox.yml",
    });
  });

  it("refuses the YAML stage file where the compiled JSON belongs, saying what to do", () => {
    expect(problemsOf(() => readCompiledStageConfig(sandboxYaml, "config/sandbox.yml"))).toEqual([
      expect.stringContaining("not the compiled stage config"),
    ]);
  });

  it("names every shape problem of a hand-edited file at once", () => {
    const edited = {
      format: COMPILED_STAGE_FORMAT,
      source: "config/x.yml",
      config: { stage: "x", region: 7, slack: { channel: "#c" }, overrides: {}, flowControl: [] },
    };
    expect(problemsOf(() => readCompiledStageConfig(JSON.stringify(edited), "x.json"))).toEqual([
      "config.region: expected a string",
      "config.parameterPrefix: expected a string",
      "config.slack.tokenParameter: expected a string",
      "config.slack.timeoutMs: expected a number",
      "config.overrides.maxHours: expected a number",
      "config.flowControl: expected an object",
    ]);
    expect(
      problemsOf(() => readCompiledStageConfig(JSON.stringify({ ...edited, format: "v0" }), "x.json"))[0],
    ).toContain("format");
  });

  it("fails packaging on an invalid stage file, listing every problem, and writes nothing", () => {
    mkdirSync(path.join(scratch, "config"));
    const broken = sandboxYaml
      .replace(/^region: .*$/m, "region: mars")
      .replace(/^stage: .*$/m, "stage: Broken Stage\nunknownKey: 1");
    writeFileSync(path.join(scratch, "config/broken.yml"), broken);
    const problems = problemsOf(() => writeCompiledStage("broken", scratch));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^stage: /),
        expect.stringMatching(/^region: /),
        expect.stringContaining("unknownKey"),
      ]),
    );
    expect(() => readFileSync(path.join(scratch, ".build/config/broken.json"))).toThrow();
  });

  it("writes the compiled file where the bundle's CONFIG_FILE names it", () => {
    mkdirSync(path.join(scratch, "config"), { recursive: true });
    writeFileSync(path.join(scratch, "config/good.yml"), sandboxYaml);
    const relative = writeCompiledStage("good", scratch);
    expect(relative).toBe(".build/config/good.json");
    const config = readCompiledStageConfig(readFileSync(path.join(scratch, relative), "utf8"), relative);
    expect(config.stage).toBe(parseStageConfig(sandboxYaml, "good.yml").stage);
  });
});
