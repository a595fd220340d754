import type { DistributionSeries } from "../../shared/origin-balancer/domain/cache-miss-load";

/** One minute of a backtest trace (format: test/fixtures/traces/README.md). */
export interface TraceMinute {
  minute: string;
  /** undefined = CloudWatch had no datapoint for this series that minute. */
  requests?: number;
  cacheHitRate?: number;
  totalErrorRate?: number;
  /** Ground truth: requests that really reached the origins. Scored with, never decided from. */
  originRequests: number;
}

const COLUMNS = ["minute", "requests", "cache_hit_rate", "total_error_rate", "origin_requests"] as const;

/** Parses a trace CSV; every malformed line is reported with its line number. */
export function parseTrace(csv: string, source: string): TraceMinute[] {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = lines[0]?.split(",").map((h) => h.trim());
  if (header === undefined || COLUMNS.some((c, i) => header[i] !== c)) {
    throw new Error(`${source}: header must be ${COLUMNS.join(",")}`);
  }
  const problems: string[] = [];
  const rows: TraceMinute[] = [];
  lines.slice(1).forEach((line, index) => {
    const cells = line.split(",").map((c) => c.trim());
    const at = `${source}:${index + 2}`;
    const minute = cells[0] ?? "";
    if (Number.isNaN(Date.parse(minute))) problems.push(`${at}: minute "${minute}" is not an ISO time`);
    const number = (cell: string | undefined, name: string): number | undefined => {
      if (cell === undefined || cell === "") return undefined;
      const value = Number(cell);
      if (!Number.isFinite(value)) problems.push(`${at}: ${name} "${cell}" is not a number`);
      return value;
    };
    const originRequests = number(cells[4], "origin_requests");
    if (originRequests === undefined) problems.push(`${at}: origin_requests is required`);
    rows.push({
      minute: new Date(Date.parse(minute)).toISOString(),
      requests: number(cells[1], "requests"),
      cacheHitRate: number(cells[2], "cache_hit_rate"),
      totalErrorRate: number(cells[3], "total_error_rate"),
      originRequests: originRequests ?? 0,
    });
  });
  if (problems.length > 0) throw new Error(`invalid trace:\n${problems.slice(0, 20).join("\n")}`);
  return rows;
}

/** The trace as the CloudWatch series one distribution would report (gaps stay gaps). */
export function traceSeries(rows: readonly TraceMinute[], distributionId = "TRACE"): DistributionSeries {
  const requests = new Map<string, number>();
  const cacheHitRate = new Map<string, number>();
  const totalErrorRate = new Map<string, number>();
  for (const row of rows) {
    if (row.requests !== undefined) requests.set(row.minute, row.requests);
    if (row.cacheHitRate !== undefined) cacheHitRate.set(row.minute, row.cacheHitRate);
    if (row.totalErrorRate !== undefined) totalErrorRate.set(row.minute, row.totalErrorRate);
  }
  return { distributionId, requests, cacheHitRate, totalErrorRate };
}
