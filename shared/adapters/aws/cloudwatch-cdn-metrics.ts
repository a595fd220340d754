import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import type { DistributionSeries } from "../../origin-balancer/domain/cache-miss-load";
import type { CdnMetrics, PoolSeries, PoolSeriesRequest } from "../../ports/cdn-metrics";
import { planMetricCalls } from "./metric-call-plan";

const SERIES = [
  { key: "requests", metric: "Requests", stat: "Sum" },
  { key: "cacheHitRate", metric: "CacheHitRate", stat: "Average" },
  { key: "totalErrorRate", metric: "TotalErrorRate", stat: "Average" },
] as const;

/** Where a query's answer goes. */
type Sink = Map<string, number>;

/**
 * Reads CloudFront metrics (and origins' observed metrics) with plain MetricStat queries (period 60 s),
 * every pool in as few GetMetricData calls as the limits allow (500 queries, 100,800 datapoints a call).
 * The cache-miss formula is computed in our code, not with metric math: we need to see which minutes
 * are missing, and moto answers metric math with an empty "Complete" result.
 * The client must be in us-east-1, where CloudFront publishes its metrics; an observed metric is read
 * in the same call, so it must be readable there too.
 */
export function createCloudWatchCdnMetrics(client: CloudWatchClient): CdnMetrics {
  const fetchPools = async (
    requests: readonly PoolSeriesRequest[],
    from: Date,
    to: Date,
  ): Promise<PoolSeries[]> => {
    const queries: MetricDataQuery[] = [];
    const sinks: Sink[] = [];
    const add = (query: Omit<MetricDataQuery, "Id" | "ReturnData">): Sink => {
      const sink: Sink = new Map();
      queries.push({ ...query, Id: `q${queries.length}`, ReturnData: true });
      sinks.push(sink);
      return sink;
    };
    const answers: PoolSeries[] = requests.map((request) => ({
      cdn: request.distributionIds.map((id) => {
        const [requests, cacheHitRate, totalErrorRate] = SERIES.map((s) =>
          add({
            MetricStat: {
              Metric: {
                Namespace: "AWS/CloudFront",
                MetricName: s.metric,
                Dimensions: [
                  { Name: "DistributionId", Value: id },
                  { Name: "Region", Value: "Global" },
                ],
              },
              Period: 60,
              Stat: s.stat,
            },
          }),
        ) as [Sink, Sink, Sink];
        return { distributionId: id, requests, cacheHitRate, totalErrorRate } satisfies DistributionSeries;
      }),
      observed: Object.fromEntries(
        request.observed.map(({ setIdentifier, metric }) => [
          setIdentifier,
          add({
            MetricStat: {
              Metric: {
                Namespace: metric.namespace,
                MetricName: metric.metricName,
                Dimensions: metric.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
              },
              Period: 60,
              Stat: metric.statistic,
            },
          }),
        ]),
      ),
    }));
    const minutes = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 60_000));
    for (const call of planMetricCalls(queries.length, minutes)) {
      const batch = queries.slice(call.first, call.first + call.count);
      let nextToken: string | undefined;
      // Bounded paging: a call is planned to fit one page; a few more pages are tolerated, never a loop.
      for (let page = 0; page < 10; page++) {
        const out = await client.send(
          new GetMetricDataCommand({
            MetricDataQueries: batch,
            StartTime: from,
            EndTime: to,
            ScanBy: "TimestampAscending",
            NextToken: nextToken,
          }),
          // One call carries every pool's series: it may take longer than the client's 5 s per request.
          { requestTimeout: requestTimeoutFor(batch.length) },
        );
        for (const result of out.MetricDataResults ?? []) {
          const sink = sinks[Number(/^q(\d+)$/.exec(result.Id ?? "")?.[1])];
          if (sink === undefined) continue;
          (result.Timestamps ?? []).forEach((timestamp, i) => {
            const value = result.Values?.[i];
            if (value !== undefined) sink.set(new Date(timestamp).toISOString(), value);
          });
        }
        nextToken = out.NextToken;
        if (nextToken === undefined) break;
      }
    }
    return answers;
  };
  return {
    fetchPools,
    async fetchSeries(distributionIds, from, to) {
      const [answer] = await fetchPools([{ distributionIds, observed: [] }], from, to);
      return answer?.cdn ?? [];
    },
  };
}

/** The client's 5 s, plus 50 ms per query: 300 queries (100 pools) may take 20 s, 500 take 30 s. */
export function requestTimeoutFor(queries: number): number {
  return 5_000 + 50 * queries;
}
