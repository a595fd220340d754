import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadStage } from "../../../infra/serverless/resources";
import { parseStageConfig } from "../../../shared/config/stage-config";
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

describe("a stage file's stage and parameter prefix", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "stage-identity-"));
  mkdirSync(path.join(scratch, "config"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("refuses to package config/acme-prod.yml when it says stage: prod", () => {
    writeFileSync(
      path.join(scratch, "config/acme-prod.yml"),
      sandbox
        .replace("stage: sandbox", "stage: prod")
        .replaceAll("/traffic-autopilot/sandbox", "/traffic-autopilot/prod"),
    );
    const problems = problemsOf(() => loadStage("acme-prod", scratch));
    expect(problems).toEqual([
      expect.stringMatching(
        /^stage: "prod" differs from the stage it is deployed as, "acme-prod" .*set stage: acme-prod$/,
      ),
    ]);
  });

  it("packages a file whose stage is its name", () => {
    writeFileSync(path.join(scratch, "config/sandbox.yml"), sandbox);
    expect(loadStage("sandbox", scratch).stage).toBe("sandbox");
  });

  it("refuses a parameterPrefix that names another stage, wherever the file is validated", () => {
    const text = sandbox.replace(
      "parameterPrefix: /traffic-autopilot/sandbox",
      "parameterPrefix: /traffic-autopilot/prod",
    );
    expect(problemsOf(() => parseStageConfig(text, "sandbox.yml"))).toEqual([
      expect.stringMatching(
        /^parameterPrefix: "\/traffic-autopilot\/prod" does not name the stage "sandbox" .*add parameterPrefixWithoutStageName: true$/,
      ),
    ]);
  });

  it("accepts such a prefix when the file says so on purpose", () => {
    const text = sandbox.replace(
      "parameterPrefix: /traffic-autopilot/sandbox",
      "parameterPrefix: /ops/traffic\nparameterPrefixWithoutStageName: true",
    );
    expect(parseStageConfig(text, "sandbox.yml").parameterPrefix).toBe("/ops/traffic");
  });

  it("lists a mismatch beside the schema's own problems", () => {
    const text = sandbox
      .replace("stage: sandbox", "stage: prod")
      .replace("region: eu-west-1", "region: europe");
    const problems = problemsOf(() => parseStageConfig(text, "sandbox.yml", { expectedStage: "sandbox" }));
    expect(problems).toEqual([
      expect.stringMatching(/^region: /),
      expect.stringMatching(/^stage: "prod" differs/),
      expect.stringMatching(/^parameterPrefix: .* does not name the stage "prod"/),
    ]);
  });
});
