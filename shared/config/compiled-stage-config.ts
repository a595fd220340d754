import { InvalidConfigError } from "../errors";
import type { StageConfig } from "./stage-config";

/**
 * The stage configuration as the functions read it at cold start: validated and compiled to JSON when the
 * stack is packaged (infra/serverless/stage.js, shared/config/compile-stage-config.ts), shipped in the
 * bundle, and only checked for its shape here. This file imports no YAML parser and no schema: parsing the
 * YAML and running the full zod schema at every cold start cost more import time than the rest of a
 * function, and the result could not differ from what packaging already accepted.
 */
export const COMPILED_STAGE_FORMAT = "traffic-autopilot/compiled-stage-config/1";

/** The file written at package time: the validated config (defaults filled in), and where it came from. */
export interface CompiledStageFile {
  format: typeof COMPILED_STAGE_FORMAT;
  /** The stage file it was compiled from, e.g. "config/prod.yml". */
  source: string;
  config: StageConfig;
}

const SECTIONS = ["originBalancer", "canary", "flowControl", "certRotation"] as const;

/**
 * Reads a compiled stage file. A cheap structural check only (the format marker, the keys every function
 * reads before its own section, each section an object): enough to refuse a hand-edited or truncated file,
 * or a YAML stage file given where the compiled one belongs, with every problem named.
 * @example readCompiledStageConfig('{"format":"traffic-autopilot/compiled-stage-config/1",...}', "x.json")
 */
export function readCompiledStageConfig(text: string, source: string): StageConfig {
  let file: Partial<CompiledStageFile>;
  try {
    file = JSON.parse(text) as Partial<CompiledStageFile>;
  } catch (error) {
    throw new InvalidConfigError(source, [
      `not the compiled stage config (JSON written when the stack is packaged): ${(error as Error).message}`,
    ]);
  }
  const problems: string[] = [];
  if (file?.format !== COMPILED_STAGE_FORMAT) {
    problems.push(`format: expected "${COMPILED_STAGE_FORMAT}" (compile the stage file when packaging)`);
  }
  const config = (file?.config ?? {}) as Record<string, unknown>;
  if (typeof file?.config !== "object" || file.config === null) problems.push("config: missing");
  for (const key of ["stage", "region", "parameterPrefix"]) {
    if (typeof config[key] !== "string") problems.push(`config.${key}: expected a string`);
  }
  const slack = config.slack as Record<string, unknown> | undefined;
  if (typeof slack !== "object" || slack === null) problems.push("config.slack: expected an object");
  else {
    for (const key of ["channel", "tokenParameter"])
      if (typeof slack[key] !== "string") problems.push(`config.slack.${key}: expected a string`);
    if (typeof slack.timeoutMs !== "number") problems.push("config.slack.timeoutMs: expected a number");
  }
  const overrides = config.overrides as Record<string, unknown> | undefined;
  if (typeof overrides?.maxHours !== "number") problems.push("config.overrides.maxHours: expected a number");
  for (const section of SECTIONS) {
    const value = config[section];
    if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value)))
      problems.push(`config.${section}: expected an object`);
  }
  if (problems.length > 0) throw new InvalidConfigError(source, problems);
  return config as StageConfig;
}
