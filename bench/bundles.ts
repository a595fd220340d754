import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type BuildOptions, build } from "esbuild";
import { repoRoot } from "../sandbox/servers/haproxy-instance";

export { repoRoot };

/** The production options, read from the file serverless.yml hands to serverless-esbuild. */
export function productionOptions(): BuildOptions {
  const require = createRequire(path.join(repoRoot, "package.json"));
  const shared = require("./infra/serverless/esbuild-options.js") as { esbuildOptions: () => BuildOptions };
  return shared.esbuildOptions();
}

/**
 * The production options without trimming the AWS SDK's generated schemas (every modeled error class
 * registered, every schema kept): measured in the same run to show what the trimming bought.
 */
export function untrimmedProductionOptions(): BuildOptions {
  const options = productionOptions();
  const plugins = (options.plugins ?? []).filter((p) => p.name !== "trim-aws-sdk-schemas");
  if (plugins.length === options.plugins?.length)
    throw new Error("no trim-aws-sdk-schemas plugin to leave out");
  return { ...options, plugins };
}

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
  /** The handler module Lambda loads (functions/<name>/handler.js, with its chunks beside it when split). */
  file: string;
  /** Every file the build wrote: what the function's zip carries. */
  bytes: number;
  /** The handler and the chunks it imports statically: what loading the handler compiles. */
  bytesAtImport: number;
}

export async function buildBundle(name: string, options: BuildOptions, outDir: string): Promise<BuiltBundle> {
  const dir = path.join(outDir, name);
  const result = await build({
    ...options,
    entryPoints: [path.join(repoRoot, "functions", name, "handler.ts")],
    outdir: dir,
    metafile: true,
    logLevel: "error",
  });
  const outputs = result.metafile.outputs;
  // With splitting, every module reached through import() is an entry point of its own too.
  const entry = Object.keys(outputs).find((file) =>
    outputs[file]?.entryPoint?.endsWith(`functions/${name}/handler.ts`),
  );
  if (entry === undefined) throw new Error(`building ${name}: esbuild reported no entry output`);
  const loadedAtImport = new Set([entry]);
  for (const file of loadedAtImport) {
    for (const edge of outputs[file]?.imports ?? []) {
      if (edge.kind === "import-statement" && !edge.external) loadedAtImport.add(edge.path);
    }
  }
  const sizeOf = (file: string) => statSync(path.resolve(file)).size;
  return {
    file: path.resolve(entry),
    bytes: Object.keys(outputs).reduce((sum, file) => sum + sizeOf(file), 0),
    bytesAtImport: [...loadedAtImport].reduce((sum, file) => sum + sizeOf(file), 0),
  };
}
