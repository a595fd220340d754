import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BuildOptions } from "esbuild";
import { compileStageConfig } from "../shared/config/compile-stage-config";
import { buildBundle, functionNames, NAIVE_OPTIONS, productionOptions, repoRoot } from "./bundles";
import { type ImportSample, timeImport } from "./import-timer";
import type { BundleMeasure, ColdStartResult, FunctionColdStart } from "./results";
import { median, ratio, round } from "./stats";

/** Import and ready goals differ since the stage config is compiled at package time (issue #14). */
export const COLD_START_GOAL = { bytes: 0.3, time: 0.35, ready: 0.5 };

export interface ColdStartOptions {
  /** Fresh node processes per bundle (K); the median is reported. */
  runs: number;
  /** Also measure these options (e.g. the production options before a change) against the same baseline. */
  previous?: { label: string; options: BuildOptions };
  log: (line: string) => void;
}

/**
 * Builds every function twice in this run (production options, naive baseline) and measures bytes,
 * import time and time to ready in fresh processes, alternating the variants so that a busy machine
 * slows both alike.
 */
export async function benchColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  if (options.runs < 1) throw new Error("--runs must be at least 1");
  const outDir = await mkdtemp(path.join(tmpdir(), "ta-bench-bundles-"));
  try {
    const variants: [string, BuildOptions][] = [
      ["ours", productionOptions()],
      ["naive", NAIVE_OPTIONS],
      ...(options.previous ? [["previous", options.previous.options] as [string, BuildOptions]] : []),
    ];
    // Every variant reads the stage config compiled to JSON at package time, as shipped.
    const compiledConfig = path.join(outDir, "sandbox.json");
    await writeFile(
      compiledConfig,
      compileStageConfig(
        await readFile(path.join(repoRoot, "config/sandbox.yml"), "utf8"),
        "config/sandbox.yml",
      ),
    );
    const names = functionNames();
    const bundles = new Map<
      string,
      { file: string; bytes: number; bytesAtImport: number; samples: ImportSample[] }
    >();
    for (const name of names) {
      for (const [variant, buildOptions] of variants) {
        const built = await buildBundle(name, buildOptions, path.join(outDir, variant));
        bundles.set(`${variant}/${name}`, { ...built, samples: [] });
      }
    }
    for (let run = 1; run <= options.runs; run++) {
      options.log(`cold start: run ${run}/${options.runs}`);
      for (const bundle of bundles.values())
        bundle.samples.push(await timeImport(bundle.file, compiledConfig));
    }
    const measure = (variant: string, name: string): BundleMeasure => {
      const bundle = bundles.get(`${variant}/${name}`);
      if (bundle === undefined) throw new Error(`no ${variant} bundle for ${name}`);
      const ready = bundle.samples.map((s) => s.readyMs);
      return {
        bytes: bundle.bytes,
        bytesAtImport: bundle.bytesAtImport,
        importMs: round(median(bundle.samples.map((s) => s.importMs)), 1),
        importCpuMs: round(median(bundle.samples.map((s) => s.importCpuMs)), 1),
        readyMs: ready.some((r) => r === null) ? null : round(median(ready as number[]), 1),
      };
    };
    const compare = (variant: string): FunctionColdStart[] =>
      names.map((name) => {
        const ours = measure(variant, name);
        const naive = measure("naive", name);
        return {
          name,
          ours,
          naive,
          ratios: {
            bytes: ratio(ours.bytes, naive.bytes),
            import: ratio(ours.importMs, naive.importMs),
            importCpu: ratio(ours.importCpuMs, naive.importCpuMs),
            ready: ratio(ours.readyMs, naive.readyMs),
          },
        };
      });
    return {
      runs: options.runs,
      goal: COLD_START_GOAL,
      functions: compare("ours"),
      ...(options.previous
        ? { previous: { label: options.previous.label, functions: compare("previous") } }
        : {}),
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
