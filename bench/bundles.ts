import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { repoRoot } from "../sandbox/servers/haproxy-instance";

export { repoRoot };

/** The production options, read from the file serverless.yml hands to serverless-esbuild. */
export function productionOptions(): BuildOptions {
  const require = createRequire(path.join(repoRoot, "package.json"));
  const shared = require("./infra/serverless/esbuild-options.js") as { esbuildOptions: () => BuildOptions };
  return shared.esbuildOptions();
}

/**
 * The production options with the cold start as it was before the stage config was compiled at package
 * time: the bootstrap's reader of the compiled JSON is swapped for the YAML parser + full zod schema (the
 * bundle then reads config/<stage>.yml). Measured in the same run to show what compiling bought.
 */
export function previousProductionOptions(): BuildOptions {
  const options = productionOptions();
  return { ...options, plugins: [...(options.plugins ?? []), yamlAtColdStart] };
}

/** Which config file each variant's bundle reads at cold start. */
export type ConfigFormat = "compiled" | "yaml";

const yamlAtColdStart: Plugin = {
  name: "yaml-at-cold-start",
  setup(build) {
    build.onResolve({ filter: /\/config\/compiled-stage-config$/ }, () => ({
      path: "yaml-at-cold-start",
      namespace: "yaml-at-cold-start",
    }));
    build.onLoad({ filter: /.*/, namespace: "yaml-at-cold-start" }, () => ({
      contents: `export { parseStageConfig as readCompiledStageConfig } from ${JSON.stringify(path.join(repoRoot, "shared/config/stage-config.ts"))};`,
      resolveDir: repoRoot,
      loader: "ts",
    }));
  },
};

/**
 * The baseline: what bundling the same imports gives with esbuild's defaults for node (mainFields
 * main,module, default conditions), no minification and no tree-shaking hints of our own.
 */
export const NAIVE_OPTIONS: BuildOptions = { bundle: true, platform: "node", format: "cjs" };

/** Every function found at run time: functions/<name>/handler.ts. */
export function functionNames(): string[] {
  const dir = path.join(repoRoot, "functions");
  return readdirSync(dir)
    .filter((name) => existsSync(path.join(dir, name, "handler.ts")))
    .sort();
}

export interface BuiltBundle {
  file: string;
  bytes: number;
}

export async function buildBundle(name: string, options: BuildOptions, outDir: string): Promise<BuiltBundle> {
  const file = path.join(outDir, name, "handler.js");
  await build({
    ...options,
    entryPoints: [path.join(repoRoot, "functions", name, "handler.ts")],
    outfile: file,
    logLevel: "error",
  });
  return { file, bytes: statSync(file).size };
}
