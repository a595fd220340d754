import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command, Option } from "commander";
import { findHaproxy } from "../sandbox/servers/haproxy-instance";
import { repoRoot, untrimmedProductionOptions } from "./bundles";
import { benchColdStart } from "./cold-start";
import { benchFlowctl } from "./flowctl";
import { benchReaction } from "./reaction";
import { renderBenchTable, replaceBetweenMarkers } from "./readme-table";
import type { BenchResults, MachineInfo } from "./results";
import { benchScale } from "./scale";

const BENCHES = ["cold-start", "reaction", "scale", "flowctl"] as const;
type Bench = (typeof BENCHES)[number];

const program = new Command()
  .name("bench")
  .description("Cold start, reaction and scale benchmarks; writes the results JSON and the README table.")
  .addOption(
    new Option("--only <bench...>", "run only these benchmarks (the others keep their last results)").choices(
      BENCHES,
    ),
  )
  .option("--out <path>", "results file", "bench/results.json")
  .option("--readme <path>", "README whose bench section is rewritten", "README.md")
  .option("--runs <k>", "fresh node processes per bundle for the cold start (median)", "9")
  .option("--trials <n>", "alarm -> served trials for the reaction", "5")
  .option("--reaction-instances <n>", "local HAProxy instances for the reaction", "20")
  .option(
    "--delivery-latency <ms>",
    "reaction: the Run Command stand-in's stated delivery latency per instance (0 = delivered as sent)",
    "0",
  )
  .option("--instances <n>", "scale: simulated EC2 instances", "1000")
  .option("--changes <n>", "flowctl: mode changes on one instance (median)", "31")
  .parse();

const log = (line: string) => console.error(line);

async function main(): Promise<void> {
  const opts = program.opts<{
    only?: Bench[];
    out: string;
    readme: string;
    runs: string;
    trials: string;
    reactionInstances: string;
    deliveryLatency: string;
    instances: string;
    changes: string;
  }>();
  const outFile = path.resolve(repoRoot, opts.out);
  const chosen = opts.only ?? [...BENCHES];
  // A partial run keeps the other benchmarks' last numbers, so the file and the table stay complete.
  const previous: Partial<BenchResults> =
    opts.only && existsSync(outFile) ? (JSON.parse(readFileSync(outFile, "utf8")) as BenchResults) : {};
  const results: BenchResults = { ...previous, generatedAt: new Date().toISOString(), machine: machine() };
  if (chosen.includes("cold-start")) {
    results.coldStart = await benchColdStart({
      runs: positive(opts.runs, "--runs"),
      previous: {
        label:
          "the same production options without trimming the AWS SDK's schemas (every modeled error class registered, every schema kept)",
        options: untrimmedProductionOptions(),
      },
      log,
    });
  }
  if (chosen.includes("reaction")) {
    results.reaction = await benchReaction({
      instances: positive(opts.reactionInstances, "--reaction-instances"),
      trials: positive(opts.trials, "--trials"),
      loadIntervalMs: 20,
      deliveryLatencyMs: nonNegative(opts.deliveryLatency, "--delivery-latency"),
      log,
    });
  }
  if (chosen.includes("scale")) {
    results.scale = await benchScale({ instances: positive(opts.instances, "--instances"), log });
  }
  if (chosen.includes("flowctl")) {
    results.flowctl = await benchFlowctl({ changes: positive(opts.changes, "--changes"), log });
  }
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  const readmeFile = path.resolve(repoRoot, opts.readme);
  const table = renderBenchTable(results);
  writeFileSync(readmeFile, replaceBetweenMarkers(readFileSync(readmeFile, "utf8"), table));
  console.log(table);
}

function nonNegative(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number >= 0, got "${text}"`);
  return n;
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
}

function machine(): MachineInfo {
  const haproxy = findHaproxy();
  const version = haproxy
    ? spawnSync(haproxy, ["-v"], { encoding: "utf8" }).stdout.match(/version (\S+)/)?.[1]
    : undefined;
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    ...(version ? { haproxy: version } : {}),
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
