import type { LoadSample } from "./types";

export interface LoadForecast {
  /** Load now, from the newest minutes. */
  level: number;
  /** Least-squares slope over the window, requests/min per minute. */
  trend: number;
  /** Standard deviation of the minutes around the trend line: what a single minute can surprise us by. */
  noise: number;
  /** The load we expect over the horizon: level + rising trend. */
  expectedLoad: number;
  /** The load we plan capacity for: expected load + noise margin. */
  planningLoad: number;
  samples: number;
}

/**
 * Forecasts the cache-miss load the origins must absorb until our next change can take effect.
 *
 * Why not the window mean (the original rule): a mean of the last 10 minutes lags a spike by minutes,
 * and at the boundary it ignores that single minutes overshoot it. We plan for
 * `level + max(0, trend) x horizon + noiseMargin x noise`, where level is the newer of the trend line's
 * end and the mean of the newest three minutes, so a step up is seen in the first evaluation after it.
 * Only a rising trend that stands out of the noise is projected; a falling one is left to the release
 * rule, which gives load back only once it has stayed low.
 *
 * @example minutes 6,000 6,100 ... 6,900 (+100/min, no noise), horizon 5 -> level 6,900, planning 7,400
 */
export function forecastLoad(
  samples: readonly LoadSample[],
  horizonMinutes: number,
  noiseMargin: number,
): LoadForecast {
  const n = samples.length;
  if (n === 0) throw new RangeError("forecastLoad needs at least one sample");
  const ordered = [...samples].sort((a, b) => (a.minute < b.minute ? -1 : 1));
  const base = Date.parse(ordered[0]?.minute ?? "");
  const xs = ordered.map((s) => (Date.parse(s.minute) - base) / 60_000);
  const ys = ordered.map((s) => s.load);
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += ((xs[i] ?? 0) - meanX) ** 2;
    sxy += ((xs[i] ?? 0) - meanX) * ((ys[i] ?? 0) - meanY);
  }
  const trend = sxx > 0 ? sxy / sxx : 0;
  const newestX = xs[n - 1] ?? 0;
  const lineEnd = meanY + trend * (newestX - meanX);
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((ys[i] ?? 0) - (meanY + trend * ((xs[i] ?? 0) - meanX))) ** 2;
  const noise = n > 2 ? Math.sqrt(squares / (n - 2)) : 0;
  // Project the trend only when it stands out of the noise (t > 2): with ten noisy minutes a chance
  // slope times the horizon would otherwise add more phantom load than the noise margin itself.
  const slopeError = sxx > 0 ? noise / Math.sqrt(sxx) : Number.POSITIVE_INFINITY;
  const rising = trend > 0 && trend > 2 * slopeError ? trend : 0;
  const newest = ys.slice(-3);
  const recentMean = newest.reduce((a, b) => a + b, 0) / newest.length;
  const level = Math.max(lineEnd, recentMean);
  const expectedLoad = level + rising * horizonMinutes;
  const planningLoad = expectedLoad + noiseMargin * noise;
  return { level, trend, noise, expectedLoad, planningLoad, samples: n };
}
