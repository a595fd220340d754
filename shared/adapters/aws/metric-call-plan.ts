/** CloudWatch GetMetricData limits (per call). */
export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;

/**
 * Splits `queries` MetricStat queries of `minutes` one-minute datapoints each into GetMetricData calls
 * that respect both limits: at most 500 queries and 100,800 datapoints per call.
 *
 * @example 300 queries x 62 minutes -> one call; 1,200 queries x 62 minutes -> calls of 500, 500, 200;
 *   60 queries x 20,160 minutes (14 days) -> 5 queries a call (100,800 / 20,160), 12 calls
 */
export function planMetricCalls(queries: number, minutes: number): { first: number; count: number }[] {
  const perCall = Math.max(
    1,
    Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_DATAPOINTS_PER_CALL / Math.max(1, minutes))),
  );
  const calls: { first: number; count: number }[] = [];
  for (let first = 0; first < queries; first += perCall)
    calls.push({ first, count: Math.min(perCall, queries - first) });
  return calls;
}
