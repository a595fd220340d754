import type { BalancerPolicy } from "../../shared/origin-balancer/domain/types";
import { type SimulationResult, type SimulationSummary, simulate } from "./simulate";
import { parseTrace, type TraceMinute } from "./trace";

export interface BacktestRun {
  /** The trace CSV text (format: test/fixtures/traces/README.md). */
  traceCsv: string;
  /** Names the trace in error messages (`sale-spike.csv:12: ...`). */
  traceName: string;
  policy: BalancerPolicy;
  policyName: "autopilot" | "autopilot-observed" | "seed";
  /** autopilot only: the seed rule always runs every 5 minutes. */
  intervalMinutes: number;
  metricDelayMinutes: number;
  ttlSeconds: number;
  /** autopilot only: the seed rule always reads 10 minutes. */
  windowMinutes: number;
}

/** The trace cannot be replayed: unreadable CSV, no minutes, or minutes that are not consecutive. */
export class InvalidTraceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidTraceError";
  }
}

/**
 * Replays one trace through one policy: the function the CLI, the sandbox and the benchmark share.
 * Throws InvalidTraceError naming the trace and line when the CSV is unusable.
 *
 * @example runBacktest({ traceCsv, traceName: "sale-spike.csv", policy: twoOriginPolicy(9000),
 *   policyName: "autopilot", intervalMinutes: 1, metricDelayMinutes: 2, ttlSeconds: 60, windowMinutes: 10 })
 *   -> summary { overloadMinutes: 7, overloadExcess: 76368, changes: 15, flaps: 0, ... }
 */
export function runBacktest(run: BacktestRun): SimulationResult {
  const trace = readTrace(run.traceCsv, run.traceName);
  return simulate(trace, {
    policyName: run.policyName,
    policy: run.policy,
    intervalMinutes: run.intervalMinutes,
    windowMinutes: run.windowMinutes,
    metricDelayMinutes: run.metricDelayMinutes,
    ttlSeconds: run.ttlSeconds,
  });
}

/** Parses the trace and checks what the simulator assumes: one row per minute, consecutive, oldest first. */
export function readTrace(csv: string, traceName: string): TraceMinute[] {
  let rows: TraceMinute[];
  try {
    rows = parseTrace(csv, traceName);
  } catch (error) {
    // parseTrace lets an unparsable minute escape as a bare RangeError ("Invalid time value"): name the line.
    const message = error instanceof RangeError ? badMinutes(csv, traceName) : undefined;
    throw new InvalidTraceError(message ?? (error instanceof Error ? error.message : String(error)), {
      cause: error,
    });
  }
  if (rows.length === 0) throw new InvalidTraceError(`${traceName}: the trace has a header but no minutes`);
  // The simulator counts time in rows: a skipped or repeated minute would silently shift every delay.
  for (let i = 1; i < rows.length; i++) {
    const step = Date.parse(rows[i]?.minute ?? "") - Date.parse(rows[i - 1]?.minute ?? "");
    if (step !== 60_000) {
      throw new InvalidTraceError(
        `${traceName}:${i + 2}: minute ${rows[i]?.minute} does not follow ${rows[i - 1]?.minute} by one minute`,
      );
    }
  }
  return rows;
}

function badMinutes(csv: string, traceName: string): string | undefined {
  const problems = csv.split(/\r?\n/).flatMap((line, i) => {
    const minute = line.split(",")[0]?.trim() ?? "";
    return i === 0 || line.trim() === "" || !Number.isNaN(Date.parse(minute))
      ? []
      : [`${traceName}:${i + 1}: minute "${minute}" is not an ISO time`];
  });
  return problems.length === 0 ? undefined : `invalid trace:\n${problems.slice(0, 20).join("\n")}`;
}

/** What `backtest --json` prints: the summary fields in a fixed order, each decision without its rule. */
export interface BacktestJson {
  summary: SimulationSummary;
  decisions: { minute: string; weights: Record<string, number> }[];
}

export function backtestJson(result: SimulationResult | undefined): BacktestJson {
  if (result === undefined) throw new Error("no policy ran, nothing to print");
  const s = result.summary;
  return {
    summary: {
      overloadMinutes: s.overloadMinutes,
      overloadExcess: s.overloadExcess,
      elasticRequests: s.elasticRequests,
      oracleElasticRequests: s.oracleElasticRequests,
      changes: s.changes,
      flaps: s.flaps,
    },
    decisions: result.decisions.map((d) => ({ minute: d.minute, weights: d.weights })),
  };
}
