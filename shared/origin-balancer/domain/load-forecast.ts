import type { LoadSample } from "./types";

/**
 * How many standard errors a rising trend or a step must stand out of the noise before it is believed.
 * The policy runs 1,440 times a day: at 2 standard errors pure noise would pass ~30 times a day and
 * park load on the costlier origin each time; at 4 it passes about once a month (one-sided p = 3e-5).
 */
export const SIGNIFICANCE_T = 4;

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
 * `level + max(0, trend) x horizon + noiseMargin x noise`, where level is the trend line's end unless
 * the newest two or three minutes stand out of the noise above it (a step up, seen in the second minute
 * that shows it). The window is long (an hour by default) so that the noise, the level and the trend
 * are measured, not guessed from ten minutes: a noisy estimate read every minute parks load on the
 * costlier origin whenever it happens to read high. Only a rising trend that stands out of the noise is
 * projected; a falling one is left to the give-back rule.
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
  // Project the trend only when it stands out of the noise (t > SIGNIFICANCE_T): a chance slope times
  // the horizon would otherwise add more phantom load than the noise margin itself.
  const slopeError = sxx > 0 ? noise / Math.sqrt(sxx) : Number.POSITIVE_INFINITY;
  const rising = trend > 0 && trend > SIGNIFICANCE_T * slopeError ? trend : 0;
  // The mean of the newest two or three minutes overrides the trend line only when it stands out of the
  // noise (a step up; two minutes, so one odd minute is not a step): taking the larger of two noisy
  // estimates every time would read noise as load and park it on the costlier origin.
  let level = lineEnd;
  for (let k = 2; k <= Math.min(3, n); k++) {
    const recentMean = ys.slice(-k).reduce((a, b) => a + b, 0) / k;
    if (recentMean - lineEnd > (SIGNIFICANCE_T * noise) / Math.sqrt(k)) level = Math.max(level, recentMean);
  }
  const expectedLoad = level + rising * horizonMinutes;
  const planningLoad = expectedLoad + noiseMargin * noise;
  return { level, trend, noise, expectedLoad, planningLoad, samples: n };
}
