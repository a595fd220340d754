import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compiledStageConfigPath, compileStageConfig } from "../../shared/config/compile-stage-config";

/**
 * Validates config/<stage>.yml and writes its compiled JSON under the service root; returns the path
 * relative to it (what CONFIG_FILE names inside the bundle). Throws InvalidConfigError listing every problem.
 */
export function writeCompiledStage(stage: string, root = path.resolve(__dirname, "../..")): string {
  const source = `config/${stage}.yml`;
  const compiled = compileStageConfig(readFileSync(path.join(root, source), "utf8"), source);
  const relative = compiledStageConfigPath(stage);
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, compiled);
  return relative;
}
