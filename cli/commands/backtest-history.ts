import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { parseStageConfig } from "../../shared/config/stage-config";
import type { BalancerPolicy } from "../../shared/origin-balancer/domain/types";
import { REPO_ROOT, readSession } from "../invoke/session";
import { UsageError } from "../invoke/types";
import type { CliContext } from "./context";

/**
 * `autopilot backtest --stage S --pool P --days N`: replays the pool's own history. Reads the pool's
 * CloudFront series (and observed origin metrics) from CloudWatch (read-only: cloudwatch:GetMetricData),
 * writes the trace CSV and the HTML report, and prints autopilot vs the original rule.
 */
export function historyCommand(ctx: CliContext, programStage: string | undefined): Command {
  return new Command("backtest")
    .description("replay a pool's own CloudWatch history through autopilot and the original rule")
    .addOption(new Option("--stage <stage>", "stage file config/<stage>.yml that names the pool"))
    .requiredOption("--pool <name>", "the pool (originBalancer.pools[].name)")
    .addOption(
      new Option("--days <n>", "days of history, 1-14 (CloudFront keeps 1-minute datapoints 15 days)")
        .argParser(days)
        .default(1),
    )
    .option("--out <dir>", "where the trace and the report go (default: .backtest/<stage>-<pool>)")
    .option("--region <region>", "unused: CloudFront's metrics are read in us-east-1")
    .option("--local", "read from the local sandbox (npm start -- --keep) instead of AWS")
    .option("--session <path>", "sandbox session file (default: .sandbox/session.json)")
    .action(async (o: HistoryOptions) => {
      const stage = o.stage ?? programStage;
      const local = o.local === true || o.session !== undefined;
      const session = local ? readSession(o.session) : undefined;
      if (stage === undefined && session === undefined) {
        throw new UsageError("say which stage: --stage <stage> (config/<stage>.yml), or --local");
      }
      const configFile = session?.configFile ?? path.join(REPO_ROOT, "config", `${stage}.yml`);
      const config = readStage(configFile);
      const pools = config.originBalancer?.pools ?? [];
      const pool = pools.find((p) => p.name === o.pool);
      if (pool === undefined) {
        throw new UsageError(
          `--pool ${o.pool}: no such pool in ${path.relative(REPO_ROOT, configFile)} (pools: ${pools.map((p) => p.name).join(", ") || "none"})`,
        );
      }
      const primary = pool.origins[0];
      if (primary?.capacity === undefined || pool.origins.length !== 2) {
        throw new UsageError(
          `--pool ${o.pool}: the replay compares with the original rule, which needs a capacity-bound first origin and exactly one more`,
        );
      }
      // Loaded on demand: the SDK and the simulator are not needed for --help and usage errors.
      const { createCloudFrontMetricsClient } =
        require("../../shared/adapters/aws/clients/cloudwatch") as typeof import("../../shared/adapters/aws/clients/cloudwatch");
      const { createCloudWatchCdnMetrics } =
        require("../../shared/adapters/aws/cloudwatch-cdn-metrics") as typeof import("../../shared/adapters/aws/cloudwatch-cdn-metrics");
      const { readHistory } =
        require("../../tools/backtest/history") as typeof import("../../tools/backtest/history");
      const { runPolicies, renderSideBySide } =
        require("../../tools/backtest/compare") as typeof import("../../tools/backtest/compare");
      const { DEFAULT_SIMULATION_OPTIONS } =
        require("../../tools/backtest/defaults") as typeof import("../../tools/backtest/defaults");
      const { renderReport } =
        require("../../tools/backtest/report-html") as typeof import("../../tools/backtest/report-html");
      const client = createCloudFrontMetricsClient({
        region: "us-east-1",
        ...(session
          ? { endpoint: session.motoUrl, credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" } }
          : {}),
      });
      const history = await readHistory(createCloudWatchCdnMetrics(client), pool, o.days, new Date());
      if (history.formulaMinutes === 0) {
        throw new UsageError(
          `--pool ${o.pool}: CloudWatch has no CloudFront datapoint for ${pool.distributions.join(", ")} in the last ${o.days} day(s)`,
        );
      }
      const name = `${config.stage}-${pool.name}`;
      const out = o.out ?? path.join(REPO_ROOT, ".backtest", name);
      mkdirSync(out, { recursive: true });
      const tracePath = path.join(out, `${name}.csv`);
      const reportPath = path.join(out, `${name}.html`);
      writeFileSync(tracePath, history.csv);
      const policy: BalancerPolicy = {
        ...pool.policy,
        minDatapoints: pool.metrics.minDatapoints,
        origins: pool.origins.map(({ observedMetric: _, ...origin }) => origin),
      };
      const settings = { ...DEFAULT_SIMULATION_OPTIONS, windowMinutes: pool.metrics.windowMinutes };
      const observed = pool.origins[0]?.observedMetric !== undefined;
      const runs = runPolicies(
        history.csv,
        path.basename(tracePath),
        policy,
        settings,
        observed ? ["autopilot", "autopilot-observed", "seed"] : ["autopilot", "seed"],
      );
      writeFileSync(
        reportPath,
        renderReport({
          traceName: path.basename(tracePath),
          primary: primary.setIdentifier,
          capacity: primary.capacity,
          settings,
          runs,
        }),
      );
      ctx.io.out(
        [
          `${name}: ${history.minutes} minutes read (${history.formulaMinutes} with every CloudFront series), scored against ${history.truth === "observed" ? "the origins' observed load" : "the formula load (not every origin has an observed metric)"}${history.carriedMinutes > 0 ? `; ${history.carriedMinutes} minute(s) without any data: the previous minute's load carried over` : ""}`,
          "",
          renderSideBySide(runs, false),
          "",
          `trace written to ${tracePath}`,
          `report written to ${reportPath}`,
          "",
        ].join("\n"),
      );
      ctx.exit(0);
    });
}

interface HistoryOptions {
  stage?: string;
  pool: string;
  days: number;
  out?: string;
  local?: boolean;
  session?: string;
}

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 14) {
    throw new InvalidArgumentError(
      "must be a whole number of days from 1 to 14: CloudFront's 1-minute datapoints are kept 15 days",
    );
  }
  return n;
}

function readStage(file: string) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `no stage file ${path.relative(REPO_ROOT, file)}: --stage names config/<stage>.yml`,
      {
        cause: error,
      },
    );
  }
  try {
    return parseStageConfig(text, file);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** True when the backtest's arguments ask for a replay of a stage's own history. */
export function wantsHistory(args: readonly string[]): boolean {
  return args.some((a) => /^--(stage|pool|days)(=|$)/.test(a));
}
