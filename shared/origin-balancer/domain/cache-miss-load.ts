import type { LoadSample } from "./types";

/** The three CloudFront series of one distribution, keyed by ISO minute. */
export interface DistributionSeries {
  distributionId: string;
  requests: ReadonlyMap<string, number>;
  cacheHitRate: ReadonlyMap<string, number>;
  totalErrorRate: ReadonlyMap<string, number>;
}

export interface ExcludedMinute {
  minute: string;
  reason: "missing-series" | "implausible" | "settling";
  detail: string;
}

export interface CacheMissLoad {
  samples: LoadSample[];
  excluded: ExcludedMinute[];
}

/**
 * Requests that miss the cache and reach the origins, per minute, summed over the distributions that
 * feed the pool: Requests x (100 - CacheHitRate - TotalErrorRate) / 100.
 *
 * It is an estimate: CacheHitRate is a percentage of cacheable requests and TotalErrorRate of all
 * requests. A minute counts only if every distribution reported all three series for it; a gap is
 * "no data", never zero load. The newest `settleMinutes` are excluded because CloudFront's newest
 * minutes are still incomplete and would read as a load drop.
 *
 * @example Requests 80,000, CacheHitRate 91.5, TotalErrorRate 0.5 -> 80,000 x 8 / 100 = 6,400 origin requests
 */
export function cacheMissLoad(
  series: readonly DistributionSeries[],
  minutes: readonly string[],
  settleMinutes: number,
): CacheMissLoad {
  const samples: LoadSample[] = [];
  const excluded: ExcludedMinute[] = [];
  const settledCount = Math.max(0, minutes.length - settleMinutes);
  minutes.forEach((minute, index) => {
    if (index >= settledCount) {
      excluded.push({ minute, reason: "settling", detail: `newest ${settleMinutes} minutes are incomplete` });
      return;
    }
    let load = 0;
    for (const distribution of series) {
      const requests = distribution.requests.get(minute);
      const hitRate = distribution.cacheHitRate.get(minute);
      const errorRate = distribution.totalErrorRate.get(minute);
      if (requests === undefined || hitRate === undefined || errorRate === undefined) {
        const missing = [
          requests === undefined ? "Requests" : "",
          hitRate === undefined ? "CacheHitRate" : "",
          errorRate === undefined ? "TotalErrorRate" : "",
        ].filter(Boolean);
        excluded.push({
          minute,
          reason: "missing-series",
          detail: `${distribution.distributionId} has no ${missing.join(", ")}`,
        });
        return;
      }
      const missPercent = 100 - hitRate - errorRate;
      if (requests < 0 || missPercent < 0 || missPercent > 100) {
        excluded.push({
          minute,
          reason: "implausible",
          detail: `${distribution.distributionId}: Requests ${requests}, hit ${hitRate}%, errors ${errorRate}%`,
        });
        return;
      }
      load += (requests * missPercent) / 100;
    }
    samples.push({ minute, load });
  });
  return { samples, excluded };
}

/** The ISO minute starts of [from, to), one per minute. */
export function minutesBetween(from: Date, to: Date): string[] {
  const out: string[] = [];
  const start = Math.floor(from.getTime() / 60_000) * 60_000;
  for (let t = start; t < to.getTime(); t += 60_000) out.push(new Date(t).toISOString());
  return out;
}
