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

/**
 * Fills origins for a forecast, with one margin, not two: a bounded origin takes load until either its
 * expected load reaches capacity x targetUtilisation (headroom for a forecast that is wrong on average)
 * or its planning load (expected + noise margin) reaches its full capacity (the noise is already in the
 * planning load; also keeping the target headroom below it would pay twice for the same uncertainty).
 * Whichever binds first sets the origin's share; an unbounded origin takes the rest.
 *
 * @example expected 5,500/min, planning 7,000/min, capacity 6,000 at 85%:
 *   target bound 5,100 / 5,500 = 92.7%, capacity bound 6,000 / 7,000 = 85.7% -> primary 85.7%, elastic 14.3%
 */
export function fillForecast(
  origins: readonly OriginSpec[],
  expectedLoad: number,
  planningLoad: number,
): Fill {
  const stretch = expectedLoad > 0 ? Math.max(1, planningLoad / expectedLoad) : 1;
  const atPlanning = origins.map((o) =>
    o.capacity === undefined
      ? o
      : {
          ...o,
          capacity: Math.min(o.capacity, o.capacity * o.targetUtilisation * stretch),
          targetUtilisation: 1,
        },
  );
  return fillOrigins(atPlanning, planningLoad);
}
