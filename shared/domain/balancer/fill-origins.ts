import type { OriginSpec } from "./types";

export interface Fill {
  /** Share of the load per SetIdentifier, summing to 1. */
  shares: Record<string, number>;
  /** Every origin is at its target and load is left over: the last bounded origins take it pro rata. */
  saturated: boolean;
}

/**
 * Fills origins in cost order: each takes up to capacity x targetUtilisation, the rest overflows to the
 * next; an unbounded (elastic) origin takes whatever is left.
 *
 * @example load 12,000/min, nke capacity 9,000 at 85% target, gke unbounded -> nke 7,650 (63.75%), gke 4,350 (36.25%)
 */
export function fillOrigins(origins: readonly OriginSpec[], load: number): Fill {
  const shares: Record<string, number> = {};
  for (const origin of origins) shares[origin.setIdentifier] = 0;
  const first = origins[0];
  if (first === undefined) throw new RangeError("fillOrigins needs at least one origin");
  if (!(load > 0)) {
    shares[first.setIdentifier] = 1;
    return { shares, saturated: false };
  }
  let rest = load;
  for (const origin of origins) {
    const take =
      origin.capacity === undefined ? rest : Math.min(rest, origin.capacity * origin.targetUtilisation);
    shares[origin.setIdentifier] = take / load;
    rest -= take;
    if (rest <= 0) return { shares, saturated: false };
  }
  // Every origin is bounded and full: spread the excess in proportion to capacity, so none is singled out.
  const totalCapacity = origins.reduce((sum, o) => sum + (o.capacity ?? 0), 0);
  for (const origin of origins) {
    shares[origin.setIdentifier] =
      (shares[origin.setIdentifier] ?? 0) + (rest * (origin.capacity ?? 0)) / totalCapacity / load;
  }
  return { shares, saturated: true };
}
