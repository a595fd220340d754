import { COMPILED_STAGE_FORMAT, type CompiledStageFile } from "./compiled-stage-config";
import { parseStageConfig } from "./stage-config";

/**
 * Package time (and local tools): validates a YAML stage file with the full schema, listing every problem
 * (InvalidConfigError), and returns the JSON the functions read at cold start.
 * @example compileStageConfig(readFileSync("config/prod.yml", "utf8"), "config/prod.yml") -> '{"format":...}'
 */
export function compileStageConfig(yamlText: string, source: string): string {
  const file: CompiledStageFile = {
    format: COMPILED_STAGE_FORMAT,
    source,
    config: parseStageConfig(yamlText, source),
  };
  return `${JSON.stringify(file)}\n`;
}

/** Where packaging writes a stage's compiled config, relative to the service root (and so to the bundle). */
export function compiledStageConfigPath(stage: string): string {
  return `.build/config/${stage}.json`;
}
