import { cacheMissLoad, minutesBetween } from "../../shared/origin-balancer/domain/cache-miss-load";
import type { CdnMetrics, PoolSeries } from "../../shared/ports/cdn-metrics";

/** CloudFront's 1-minute datapoints are kept 15 days; the newest day may be partial: 14 whole days. */
export const MAX_HISTORY_DAYS = 14;

export interface HistoryPool {
  distributions: readonly string[];
  origins: readonly {
    setIdentifier: string;
    observedMetric?: {
      namespace: string;
      metricName: string;
      dimensions: readonly { name: string; value: string }[];
      statistic: string;
    };
  }[];
}

export interface History {
  /** The trace CSV (test/fixtures/traces/README.md). */
  csv: string;
  minutes: number;
  /** Minutes where every CloudFront series of every distribution had a datapoint. */
  formulaMinutes: number;
  /** Where origin_requests (the score's ground truth) came from. */
  truth: "observed" | "formula";
  /** Minutes whose origin_requests had to be carried over from the previous minute (no data at all). */
  carriedMinutes: number;
}

/**
 * Reads a pool's last `days` of history from CloudWatch (CloudFront series, and the observed origin
 * metrics when configured) and turns it into a backtest trace. The metrics adapter pages the reads
 * within GetMetricData's limits (500 queries, 100,800 datapoints a call).
 *
 * The trace has one distribution's columns: with several distributions, requests are summed and the
 * cache hit rate is the one that gives the summed formula load (error rate request-weighted), so the
 * replay sees exactly the load the balancer would. origin_requests is the observed load of all origins
 * when every origin has an observed metric; otherwise the formula load (said in `truth`).
 *
 * @example days 1, one distribution, primary with ALB RequestCount, elastic without -> 1,440 minutes,
 *   truth "formula" (the elastic origin's load is not observed)
 */
export async function readHistory(
  metrics: CdnMetrics,
  pool: HistoryPool,
  days: number,
  end: Date,
): Promise<History> {
  const to = new Date(Math.floor(end.getTime() / 60_000) * 60_000);
  const from = new Date(to.getTime() - days * 1440 * 60_000);
  const observed = pool.origins.flatMap((o) =>
    o.observedMetric ? [{ setIdentifier: o.setIdentifier, metric: o.observedMetric }] : [],
  );
  const [series] = await metrics.fetchPools([{ distributionIds: pool.distributions, observed }], from, to);
  if (series === undefined) throw new Error("CloudWatch returned no answer for the pool");
  return historyTrace(series, minutesBetween(from, to), observed.length === pool.origins.length);
}

/** Builds the trace from the series read. Pure. */
export function historyTrace(series: PoolSeries, minutes: readonly string[], allObserved: boolean): History {
  const load = new Map(cacheMissLoad(series.cdn, minutes, 0).samples.map((s) => [s.minute, s.load]));
  const observedSeries = Object.values(series.observed);
  const lines = ["minute,requests,cache_hit_rate,total_error_rate,origin_requests"];
  let carried = 0;
  let previousTruth: number | undefined;
  for (const minute of minutes) {
    const formula = load.get(minute);
    let requests: number | undefined;
    let errorWeighted = 0;
    if (formula !== undefined) {
      requests = 0;
      for (const d of series.cdn) {
        const r = d.requests.get(minute) ?? 0;
        requests += r;
        errorWeighted += r * (d.totalErrorRate.get(minute) ?? 0);
      }
    }
    const values = observedSeries.map((s) => s.get(minute));
    const observed =
      allObserved && values.every((v) => v !== undefined)
        ? values.reduce((a: number, b) => a + (b ?? 0), 0)
        : undefined;
    let truth = allObserved ? observed : formula;
    if (truth === undefined) {
      carried += 1;
      truth = previousTruth ?? 0;
    }
    previousTruth = truth;
    const cells =
      requests === undefined || formula === undefined || requests <= 0
        ? ["", "", ""]
        : (() => {
            const errorRate = errorWeighted / requests;
            const hitRate = 100 - errorRate - (100 * formula) / requests;
            return [String(requests), round(hitRate), round(errorRate)];
          })();
    lines.push([minute, ...cells, String(Math.round(truth))].join(","));
  }
  return {
    csv: `${lines.join("\n")}\n`,
    minutes: minutes.length,
    formulaMinutes: load.size,
    truth: allObserved ? "observed" : "formula",
    carriedMinutes: carried,
  };
}

const round = (x: number) => String(Math.round(x * 10_000) / 10_000);
