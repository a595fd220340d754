import { parseTrace } from "./trace";

/**
 * A variant of a trace where the origins really serve `factor` x what the trace says, while CloudFront's
 * three series (and so the formula) stay as they were: the formula under-reads the origin load, as it
 * does in real deployments (origin shield, range requests, revalidations, error pages).
 *
 * @example biasTrace(saleSpikeCsv, 1.15): origin_requests 6,000 -> 6,900, requests/cache_hit_rate/total_error_rate unchanged
 */
export function biasTrace(csv: string, factor: number, source = "trace"): string {
  const rows = parseTrace(csv, source);
  const cell = (x: number | undefined) => (x === undefined ? "" : String(x));
  const lines = rows.map((r) =>
    [
      r.minute,
      cell(r.requests),
      cell(r.cacheHitRate),
      cell(r.totalErrorRate),
      String(Math.round(r.originRequests * factor)),
    ].join(","),
  );
  return ["minute,requests,cache_hit_rate,total_error_rate,origin_requests", ...lines, ""].join("\n");
}
