import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import type { DistributionSeries } from "../../domain/balancer/cache-miss-load";
import type { CdnMetrics } from "../../ports/cdn-metrics";

const SERIES = [
  { key: "requests", metric: "Requests", stat: "Sum" },
  { key: "cacheHitRate", metric: "CacheHitRate", stat: "Average" },
  { key: "totalErrorRate", metric: "TotalErrorRate", stat: "Average" },
] as const;

/**
 * Reads CloudFront metrics with ONE GetMetricData call of plain MetricStat queries (period 60 s).
 * The cache-miss formula is computed in our code, not with metric math: we need to see which minutes
 * are missing, and moto answers metric math with an empty "Complete" result.
 * The client must be in us-east-1, where CloudFront publishes its metrics.
 */
export function createCloudWatchCdnMetrics(client: CloudWatchClient): CdnMetrics {
  return {
    async fetchSeries(distributionIds, from, to) {
      const queries: MetricDataQuery[] = distributionIds.flatMap((id, d) =>
        SERIES.map((s, i) => ({
          Id: `d${d}s${i}`,
          ReturnData: true,
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
        })),
      );
      const series: DistributionSeries[] = distributionIds.map((distributionId) => ({
        distributionId,
        requests: new Map(),
        cacheHitRate: new Map(),
        totalErrorRate: new Map(),
      }));
      let nextToken: string | undefined;
      // Bounded paging: 3 series x 60 minutes x N distributions is far below 100,800 datapoints a page.
      for (let page = 0; page < 10; page++) {
        const out = await client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: from,
            EndTime: to,
            ScanBy: "TimestampAscending",
            NextToken: nextToken,
          }),
        );
        for (const result of out.MetricDataResults ?? []) {
          const match = /^d(\d+)s(\d+)$/.exec(result.Id ?? "");
          const target = series[Number(match?.[1])];
          const kind = SERIES[Number(match?.[2])];
          if (target === undefined || kind === undefined) continue;
          const map = target[kind.key] as Map<string, number>;
          (result.Timestamps ?? []).forEach((timestamp, i) => {
            const value = result.Values?.[i];
            if (value !== undefined) map.set(new Date(timestamp).toISOString(), value);
          });
        }
        nextToken = out.NextToken;
        if (nextToken === undefined) break;
      }
      return series;
    },
  };
}
