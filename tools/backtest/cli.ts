import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { parse as parseYaml } from "yaml";
import { InvalidConfigError } from "../../shared/errors";
import type { BalancerPolicy } from "../../shared/origin-balancer/domain/types";
import {
  compareAll,
  type PolicyName,
  type PolicyRun,
  renderComparisonTable,
  renderSideBySide,
  runPolicies,
  type SimulationSettings,
} from "./compare";
import { benchmarkTrace, writeCompareAllReports } from "./compare-all-reports";
import { DEFAULT_SIMULATION_OPTIONS, knobsFromConfig, policyFromConfig, twoOriginPolicy } from "./defaults";
import { renderReport } from "./report-html";
import { backtestJson, InvalidTraceError } from "./run-backtest";
import { SEED_INTERVAL_MINUTES } from "./seed-policy";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Bad input (arguments, trace, config): nothing was simulated. */
export const EXIT_BAD_INPUT = 2;

/** The command line is incomplete or contradictory. */
export class BacktestUsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BacktestUsageError";
  }
}

interface CliOptions {
  trace?: string;
  capacity?: number;
  config?: string;
  policy?: PolicyName;
  json?: boolean;
  html?: string;
  markdown?: boolean;
  compareAll?: boolean;
  interval: number;
  delay: number;
  ttl: number;
  window: number;
}

/** Runs the backtest CLI on `argv` (arguments only, no node/script) and returns what it would print. */
/**
 * How the backtest was invoked: `npm run backtest --` (exit 1 on an unexpected failure) or
 * `autopilot backtest` (exit 3, as every other autopilot command), so help and exit codes match.
 */
export interface Invocation {
  name: string;
  failedExit: number;
}

const NPM_RUN: Invocation = { name: "npm run backtest --", failedExit: 1 };

export function main(argv: readonly string[], invocation: Invocation = NPM_RUN): CliResult {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const done = (exitCode: number) => ({ exitCode, stdout: stdout.join(""), stderr: stderr.join("") });
  try {
    const program = buildProgram(stdout, stderr, invocation).parse([...argv], { from: "user" });
    stdout.push(run(program.opts<CliOptions>()));
    return done(0);
  } catch (error) {
    // Commander has already written its message (or the help text) to stderr (stdout).
    if (error instanceof CommanderError) return done(error.exitCode === 0 ? 0 : EXIT_BAD_INPUT);
    const known = [BacktestUsageError, InvalidConfigError, InvalidTraceError].some((c) => error instanceof c);
    stderr.push(`backtest: ${error instanceof Error ? error.message : String(error)}\n`);
    return done(known ? EXIT_BAD_INPUT : invocation.failedExit);
  }
}

function buildProgram(stdout: string[], stderr: string[], invocation: Invocation): Command {
  const D = DEFAULT_SIMULATION_OPTIONS;
  return new Command(invocation.name)
    .description(
      "Replays a CloudFront trace through the origin balancer (autopilot) and the original rule (seed) and scores them.",
    )
    .option("--trace <file.csv>", "trace to replay (format: test/fixtures/traces/README.md)")
    .option(
      "--capacity <n>",
      "primary capacity, origin requests/min (origins: primary, elastic)",
      numberArg(0, "above"),
    )
    .option(
      "--config <file.yml>",
      "origins [{setIdentifier, capacity?, targetUtilisation?}] and knob overrides",
    )
    .addOption(
      new Option("--policy <name>", "run one policy (default: both; autopilot with --json)").choices([
        "autopilot",
        "autopilot-observed",
        "seed",
      ]),
    )
    .addOption(new Option("--json", "print {summary, decisions} of one policy as JSON").conflicts("markdown"))
    .option("--html <file.html>", "also write a self-contained HTML report (both policies)")
    .option("--markdown", "print tables as markdown")
    .addOption(
      new Option(
        "--compare-all",
        "run the four benchmark traces and the biased variant with their capacities: autopilot with and without the observed origin metric, and seed",
      ).conflicts(["trace", "capacity", "policy", "json"]),
    )
    .option(
      "--interval <minutes>",
      "autopilot evaluation interval (seed: always 5)",
      numberArg(1, "whole"),
      D.intervalMinutes,
    )
    .option(
      "--delay <minutes>",
      "metric delay: minute m is visible from m + 1 + delay",
      numberArg(0, "whole"),
      D.metricDelayMinutes,
    )
    .option(
      "--ttl <seconds>",
      "DNS TTL: a change takes 60 s + TTL to take full effect",
      numberArg(0, "at-least"),
      D.ttlSeconds,
    )
    .option(
      "--window <minutes>",
      "minutes of load autopilot reads (seed: always 10)",
      numberArg(1, "whole"),
      D.windowMinutes,
    )
    .addHelpText(
      "after",
      `\nExamples:\n  ${invocation.name} --trace test/fixtures/traces/sale-spike.csv --capacity 9000 --html report.html\n  ${invocation.name} --compare-all --markdown\n\nExit codes: 0 done, 2 bad input (arguments, trace, config), ${invocation.failedExit} unexpected failure.`,
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout.push(s), writeErr: (s) => stderr.push(s) });
}

function run(o: CliOptions): string {
  const settings: SimulationSettings = {
    intervalMinutes: o.interval,
    metricDelayMinutes: o.delay,
    ttlSeconds: o.ttl,
    windowMinutes: o.window,
  };
  if (o.compareAll) {
    const knobs = o.config === undefined ? {} : knobsFromConfig(readYaml(o.config), o.config);
    const table = `${renderComparisonTable(compareAll(settings, knobs), o.markdown === true)}\n`;
    if (o.html === undefined) return table;
    // With --html: one report per benchmark trace, beside the given name (report-<trace>.html).
    const written = writeCompareAllReports(o.html, settings, knobs, benchmarkTrace, writeOutput);
    return `${table}\n${written.map((f) => `report written to ${f}`).join("\n")}\n`;
  }
  if (o.trace === undefined)
    throw new BacktestUsageError("--trace <file.csv> is required (or --compare-all)");
  if (o.capacity === undefined && o.config === undefined) {
    throw new BacktestUsageError("give --capacity <n> (origins primary + elastic) or --config <file.yml>");
  }
  const policy =
    o.config === undefined
      ? twoOriginPolicy(o.capacity ?? 0)
      : policyFromConfig(readYaml(o.config), o.config, o.capacity);
  // The seed rule only knows a primary and one elastic origin.
  const seedFits = policy.origins.length === 2;
  if (o.policy === "seed" && !seedFits) {
    throw new BacktestUsageError(
      `the seed rule splits between two origins; the config lists ${policy.origins.length}`,
    );
  }
  const chosen: PolicyName[] =
    o.policy !== undefined ? [o.policy] : o.json || !seedFits ? ["autopilot"] : ["autopilot", "seed"];
  const toRun: PolicyName[] = o.html !== undefined && seedFits ? ["autopilot", "seed"] : chosen;
  const traceCsv = readInput(o.trace, "trace");
  const runs = runPolicies(traceCsv, o.trace, policy, settings, toRun);
  const shown = runs.filter((r) => chosen.includes(r.policyName));
  const primary = policy.origins[0];
  if (o.html !== undefined && primary?.capacity !== undefined) {
    const report = renderReport({
      traceName: o.trace,
      primary: primary.setIdentifier,
      capacity: primary.capacity,
      settings,
      runs,
    });
    writeOutput(o.html, report);
  }
  if (o.json) return `${JSON.stringify(backtestJson(shown[0]?.result))}\n`;
  return [
    describeRun(o.trace, policy, settings, shown),
    "",
    renderSideBySide(shown, o.markdown === true),
    ...(seedFits ? [] : ["", "seed skipped: it splits between exactly two origins"]),
    ...(o.html === undefined ? [] : ["", `report written to ${o.html}`]),
    "",
  ].join("\n");
}

function describeRun(
  trace: string,
  policy: BalancerPolicy,
  settings: SimulationSettings,
  runs: readonly PolicyRun[],
): string {
  const origins = policy.origins
    .map((o) =>
      o.capacity === undefined ? `${o.setIdentifier} unbounded` : `${o.setIdentifier} ${o.capacity}/min`,
    )
    .join(", ");
  const every = runs
    .map(
      (r) =>
        `${r.policyName} every ${r.policyName === "seed" ? SEED_INTERVAL_MINUTES : settings.intervalMinutes} min`,
    )
    .join(", ");
  return `${trace}: ${origins}; ${every}; metrics ${settings.metricDelayMinutes} min late; TTL ${settings.ttlSeconds} s`;
}

function readYaml(path: string): unknown {
  const text = readInput(path, "config");
  try {
    return parseYaml(text);
  } catch (error) {
    throw new InvalidConfigError(path, [error instanceof Error ? error.message : String(error)]);
  }
}

function readInput(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new BacktestUsageError(`cannot read ${what} file ${path}: ${reason}`, { cause: error });
  }
}

function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new BacktestUsageError(`cannot write ${path}: ${String(error)}`, { cause: error });
  }
}

/** Commander argument parser for a number of at least (or above) `min`, whole when asked. */
function numberArg(min: number, kind: "whole" | "above" | "at-least"): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const ok =
      value.trim() !== "" &&
      Number.isFinite(n) &&
      (kind === "above" ? n > min : n >= min) &&
      (kind !== "whole" || Number.isInteger(n));
    if (!ok) {
      const what = kind === "whole" ? "a whole number" : "a number";
      throw new InvalidArgumentError(`must be ${what} ${kind === "above" ? ">" : ">="} ${min}`);
    }
    return n;
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = main(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
