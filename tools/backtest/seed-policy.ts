import type { LoadSample, Weights } from "../../shared/origin-balancer/domain/types";
import { sharesToWeights } from "../../shared/origin-balancer/domain/weights";

/**
 * The original production rule, kept exactly as it ran, as the baseline every backtest compares with:
 * every 5 minutes, the mean estimated cache-miss load of the last 10 complete minutes; above capacity
 * the primary gets share capacity / mean and the elastic origin the rest, otherwise the primary alone
 * (the elastic origin keeps the standby weight).
 */
export function seedWeights(
  samples: readonly LoadSample[],
  capacity: number,
  ids: { primary: string; elastic: string },
  minWeight: number,
): Weights | undefined {
  const last10 = [...samples].sort((a, b) => (a.minute < b.minute ? -1 : 1)).slice(-10);
  if (last10.length === 0) return undefined;
  const mean = last10.reduce((sum, s) => sum + s.load, 0) / last10.length;
  const primaryShare = mean > capacity ? capacity / mean : 1;
  return sharesToWeights({ [ids.primary]: primaryShare, [ids.elastic]: 1 - primaryShare }, minWeight);
}

export const SEED_INTERVAL_MINUTES = 5;
export const SEED_WINDOW_MINUTES = 10;
