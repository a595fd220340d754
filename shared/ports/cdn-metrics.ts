import type { DistributionSeries } from "../origin-balancer/domain/cache-miss-load";

/** A CloudWatch metric that counts what one origin really serves (e.g. AWS/ApplicationELB RequestCount Sum). */
export interface ObservedMetricSpec {
  namespace: string;
  metricName: string;
  dimensions: readonly { name: string; value: string }[];
  statistic: string;
}

/** What one pool needs: its distributions' CloudFront series and its origins' observed metrics. */
export interface PoolSeriesRequest {
  distributionIds: readonly string[];
  observed: readonly { setIdentifier: string; metric: ObservedMetricSpec }[];
}

export interface PoolSeries {
  cdn: DistributionSeries[];
  /** Per SetIdentifier, the observed metric keyed by ISO minute; an origin without a metric is absent. */
  observed: Record<string, Map<string, number>>;
}

/** CloudFront's per-minute Requests, CacheHitRate and TotalErrorRate, and origins' observed load. */
export interface CdnMetrics {
  /** Minutes in [from, to); a minute without a datapoint is simply absent from a series. */
  fetchSeries(distributionIds: readonly string[], from: Date, to: Date): Promise<DistributionSeries[]>;
  /**
   * Every pool's series in as few GetMetricData calls as CloudWatch's limits allow (one, up to 500
   * queries and 100,800 datapoints), answers in the order of the requests.
   */
  fetchPools(requests: readonly PoolSeriesRequest[], from: Date, to: Date): Promise<PoolSeries[]>;
}
