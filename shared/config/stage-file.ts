import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { InvalidConfigError } from "../errors";
import { parseStageConfig, type StageConfig } from "./stage-config";

/** The stages a checkout has: every config/<stage>.yml. */
export function availableStages(root: string): string[] {
  try {
    return readdirSync(path.join(root, "config"))
      .filter((name) => name.endsWith(".yml"))
      .map((name) => name.slice(0, -".yml".length))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Reads and validates config/<stage>.yml under `root`, as the stage it is deployed as. A missing file is
 * one problem naming the stages there are, not a raw ENOENT.
 */
export function loadStageFile(stage: string, root: string): StageConfig {
  const source = `config/${stage}.yml`;
  let text: string;
  try {
    text = readFileSync(path.join(root, source), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const stages = availableStages(root);
    throw new InvalidConfigError(source, [
      `no stage file for stage "${stage}"; the stages here are: ${stages.join(", ") || "none"} (config/<stage>.yml)`,
    ]);
  }
  return parseStageConfig(text, source, { expectedStage: stage });
}
