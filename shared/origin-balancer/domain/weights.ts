import type { Weights } from "./types";

/** Route 53 weights are integers 0..255; we spread shares over a total of 255 for the finest split. */
export const MAX_ROUTE53_WEIGHT = 255;

/**
 * Converts shares (summing to 1) to Route 53 integer weights summing to 255, keeping the ratio
 * (largest remainder), then lifts every origin below `minWeight` to it, taking the difference from the
 * largest weight, so a standby origin stays warm. Never returns all zeros.
 *
 * @example shares {nke: 0.6375, gke: 0.3625}, minWeight 1 -> {nke: 163, gke: 92}
 * @example shares {primary: 1, elastic: 0}, minWeight 1 -> {primary: 254, elastic: 1}
 */
export function sharesToWeights(shares: Record<string, number>, minWeight: number): Weights {
  const ids = Object.keys(shares);
  if (ids.length === 0) throw new RangeError("no origins to weigh");
  const total = ids.reduce((sum, id) => sum + Math.max(0, shares[id] ?? 0), 0);
  const exact = ids.map((id) =>
    total > 0 ? (Math.max(0, shares[id] ?? 0) / total) * MAX_ROUTE53_WEIGHT : MAX_ROUTE53_WEIGHT / ids.length,
  );
  const weights = exact.map(Math.floor);
  let remaining = MAX_ROUTE53_WEIGHT - weights.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) }));
  byRemainder.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (remaining <= 0) break;
    weights[index] = (weights[index] ?? 0) + 1;
    remaining -= 1;
  }
  const floor = Math.max(0, Math.min(Math.floor(minWeight), Math.floor(MAX_ROUTE53_WEIGHT / ids.length)));
  for (let index = 0; index < weights.length; index++) {
    const lift = floor - (weights[index] ?? 0);
    if (lift <= 0) continue;
    const largest = weights.indexOf(Math.max(...weights));
    weights[largest] = (weights[largest] ?? 0) - lift;
    weights[index] = floor;
  }
  const result: Weights = {};
  ids.forEach((id, index) => {
    result[id] = weights[index] ?? 0;
  });
  return result;
}

/** Share of traffic each record gets: weight / sum of weights (all zero: Route 53 splits evenly). */
export function weightsToShares(weights: Weights): Record<string, number> {
  const ids = Object.keys(weights);
  const total = ids.reduce((sum, id) => sum + (weights[id] ?? 0), 0);
  const shares: Record<string, number> = {};
  for (const id of ids) shares[id] = total === 0 ? 1 / ids.length : (weights[id] ?? 0) / total;
  return shares;
}

export function sameWeights(a: Weights, b: Weights): boolean {
  const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const id of ids) if (a[id] !== b[id]) return false;
  return true;
}
