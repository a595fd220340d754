import { readFileSync } from "node:fs";
import type { BalancerPolicy } from "../../shared/origin-balancer/domain/types";
import { biasTrace } from "./bias-trace";
import { type BalancerPolicyKnobs, DEFAULT_SIMULATION_OPTIONS, twoOriginPolicy } from "./defaults";
import { runBacktest } from "./run-backtest";
import type { SimulationResult, SimulationSummary } from "./simulate";

/** autopilot-observed: autopilot with the primary's observed load metric (calibration). */
export type PolicyName = "autopilot" | "autopilot-observed" | "seed";

export interface SimulationSettings {
  intervalMinutes: number;
  metricDelayMinutes: number;
  ttlSeconds: number;
  windowMinutes: number;
}

/** The public benchmark traces and the primary capacity each is meant for (test/fixtures/traces/README.md). */
export const BENCHMARK_TRACES: readonly { name: string; capacity: number }[] = [
  { name: "sale-spike", capacity: 9000 },
  { name: "flash-crowd", capacity: 9000 },
  { name: "boundary-noise", capacity: 6000 },
  { name: "metric-gaps", capacity: 9000 },
];

/**
 * Generated variants: a public trace whose origins really serve `bias` x the trace's origin_requests
 * while the CloudFront series stay as they are (the formula under-reads the origin load by 13%).
 */
export const BIASED_TRACES: readonly { name: string; base: string; bias: number; capacity: number }[] = [
  { name: "sale-spike-biased", base: "sale-spike", bias: 1.15, capacity: 9000 },
];

const TRACES_DIR = new URL("../../test/fixtures/traces/", import.meta.url);

export interface PolicyRun {
  policyName: PolicyName;
  result: SimulationResult;
}

export interface ComparisonRow {
  trace: string;
  capacity: number;
  policy: PolicyName;
  summary: SimulationSummary;
  /** elasticRequests / oracleElasticRequests: 1 is the least an omniscient split could send. */
  elasticOverOracle: number | undefined;
  /** autopilot rows only (with or without the observed metric): overload excess / seed's on the same trace. */
  overloadExcessVsSeed?: number;
  /** autopilot rows only: this row's changes / seed's on the same trace. */
  changesVsSeed?: number;
}

const ALL_POLICIES: readonly PolicyName[] = ["autopilot", "autopilot-observed", "seed"];

/**
 * Runs the four benchmark traces and the biased variants, each with autopilot (formula only), autopilot
 * with the observed origin metric, and seed, with the default (or given) knobs.
 */
export function compareAll(
  settings: SimulationSettings = DEFAULT_SIMULATION_OPTIONS,
  knobs: Partial<BalancerPolicyKnobs> = {},
): ComparisonRow[] {
  const read = (name: string) => readFileSync(new URL(`${name}.csv`, TRACES_DIR), "utf8");
  const traces = [
    ...BENCHMARK_TRACES.map(({ name, capacity }) => ({ name, capacity, csv: read(name) })),
    ...BIASED_TRACES.map(({ name, base, bias, capacity }) => ({
      name,
      capacity,
      csv: biasTrace(read(base), bias, `${base}.csv`),
    })),
  ];
  return traces.flatMap(({ name, capacity, csv }) => {
    const policy = twoOriginPolicy(capacity, knobs);
    return comparisonRows(name, capacity, runPolicies(csv, `${name}.csv`, policy, settings, ALL_POLICIES));
  });
}

/** Replays one trace through each named policy with the same settings. */
export function runPolicies(
  traceCsv: string,
  traceName: string,
  policy: BalancerPolicy,
  settings: SimulationSettings,
  policyNames: readonly PolicyName[] = ["autopilot", "seed"],
): PolicyRun[] {
  return policyNames.map((policyName) => ({
    policyName,
    result: runBacktest({ traceCsv, traceName, policy, policyName, ...settings }),
  }));
}

export function comparisonRows(trace: string, capacity: number, runs: readonly PolicyRun[]): ComparisonRow[] {
  const seed = runs.find((r) => r.policyName === "seed")?.result.summary;
  return runs.map(({ policyName, result: { summary } }) => ({
    trace,
    capacity,
    policy: policyName,
    summary,
    elasticOverOracle: ratio(summary.elasticRequests, summary.oracleElasticRequests),
    ...(policyName !== "seed" && seed !== undefined
      ? {
          overloadExcessVsSeed: ratio(summary.overloadExcess, seed.overloadExcess),
          changesVsSeed: ratio(summary.changes, seed.changes),
        }
      : {}),
  }));
}

/** One row per trace and policy, for the README (`markdown`) or a terminal. */
export function renderComparisonTable(rows: readonly ComparisonRow[], markdown: boolean): string {
  const header = [
    "trace",
    "capacity",
    "policy",
    "overload minutes",
    "overload excess",
    "changes",
    "flaps",
    "elastic requests",
    "oracle elastic",
    "elastic/oracle",
    "excess vs seed",
    "changes vs seed",
  ];
  const body = rows.map((r) => [
    r.trace,
    int(r.capacity),
    r.policy,
    int(r.summary.overloadMinutes),
    int(r.summary.overloadExcess),
    int(r.summary.changes),
    int(r.summary.flaps),
    int(r.summary.elasticRequests),
    int(r.summary.oracleElasticRequests),
    fixed(r.elasticOverOracle),
    times(r.overloadExcessVsSeed),
    times(r.changesVsSeed),
  ]);
  return renderTable(header, body, markdown, [0, 2]);
}

/** One trace, the policies side by side (one column each), with autopilot/seed ratios when both ran. */
export function renderSideBySide(runs: readonly PolicyRun[], markdown: boolean): string {
  const { header, body } = sideBySideCells(runs);
  return renderTable(header, body, markdown, [0]);
}

/** The cells of the side-by-side summary (also rendered by the HTML report). */
export function sideBySideCells(runs: readonly PolicyRun[]): { header: string[]; body: string[][] } {
  const autopilot = runs.find((r) => r.policyName === "autopilot")?.result.summary;
  const seed = runs.find((r) => r.policyName === "seed")?.result.summary;
  const both = autopilot !== undefined && seed !== undefined;
  const line = (label: string, value: (s: SimulationSummary) => number) => [
    label,
    ...runs.map((r) => int(value(r.result.summary))),
    ...(both ? [times(ratio(value(autopilot), value(seed)))] : []),
  ];
  const body = [
    line("overload minutes", (s) => s.overloadMinutes),
    line("overload excess", (s) => s.overloadExcess),
    line("changes", (s) => s.changes),
    line("flaps", (s) => s.flaps),
    line("elastic requests", (s) => s.elasticRequests),
    line("oracle elastic", (s) => s.oracleElasticRequests),
    [
      "elastic/oracle",
      ...runs.map((r) =>
        fixed(ratio(r.result.summary.elasticRequests, r.result.summary.oracleElasticRequests)),
      ),
      ...(both ? [""] : []),
    ],
  ];
  return { header: ["", ...runs.map((r) => r.policyName), ...(both ? ["autopilot/seed"] : [])], body };
}

/** a / b; undefined when b is 0 (nothing to compare with). */
export function ratio(a: number, b: number): number | undefined {
  return b === 0 ? undefined : a / b;
}

function renderTable(header: string[], body: string[][], markdown: boolean, leftColumns: number[]): string {
  const left = (i: number) => leftColumns.includes(i);
  if (markdown) {
    const rule = header.map((_, i) => (left(i) ? "---" : "---:"));
    return [header, rule, ...body].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const pad = (cells: string[]) =>
    cells
      .map((c, i) => (left(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [header, ...body].map(pad).join("\n");
}

const int = (x: number) => Math.round(x).toLocaleString("en-US");
const fixed = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2));
const times = (x: number | undefined) => (x === undefined ? "—" : `${x.toFixed(2)}x`);
