import type { DistributionSeries } from "../domain/balancer/cache-miss-load";

/** CloudFront's per-minute Requests, CacheHitRate and TotalErrorRate for some distributions. */
export interface CdnMetrics {
  /** Minutes in [from, to); a minute without a datapoint is simply absent from a series. */
  fetchSeries(distributionIds: readonly string[], from: Date, to: Date): Promise<DistributionSeries[]>;
}
