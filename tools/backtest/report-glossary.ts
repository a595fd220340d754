import { FLAP_WINDOW_MINUTES } from "./simulate";

/**
 * What each measure of the backtest report means, with its unit: the report must be readable without
 * the source. Words match the summary table's column names (compare.ts).
 */
export function glossary(primary: string, seedInterval: number): [term: string, definition: string][] {
  return [
    [
      "autopilot",
      "this project's balancer policy (shared/origin-balancer/domain), as configured for the stage",
    ],
    [
      "seed",
      `the original production rule, the baseline: every ${seedInterval} min, the mean load of the last 10 complete minutes; above capacity ${primary} gets capacity / mean, the elastic origin the rest`,
    ],
    ["origin requests (ground truth)", "cache misses that reached the origins, per minute, from the trace"],
    ["estimated load", "what the policy could see: the metric-delayed, possibly incomplete minutes it read"],
    ["overload minutes", `minutes in which ${primary} received more than its capacity (minutes)`],
    [
      "overload excess",
      `requests ${primary} received above its capacity, summed over the overload minutes (requests)`,
    ],
    ["changes", "weight changes the policy made (count)"],
    [
      "flaps",
      `changes that reversed the direction of the previous one within ${FLAP_WINDOW_MINUTES} min (count)`,
    ],
    ["elastic requests", "requests sent to the elastic (pay-per-use) origins over the trace (requests)"],
    [
      "oracle elastic",
      `the least an omniscient split could send to elastic: each minute's requests above ${primary}'s capacity, summed (requests)`,
    ],
    [
      "elastic/oracle",
      "elastic requests / oracle elastic: 1 is perfect, higher is paying for headroom (ratio)",
    ],
    [
      "excess vs seed, changes vs seed",
      "autopilot's overload excess or changes / the seed rule's on the same trace (ratio)",
    ],
  ];
}

/**
 * The decisive hours: the episode above `capacity` that holds the peak, from an hour before it starts to
 * an hour after it ends, at most `maxMinutes` long; undefined when the trace is already that short or
 * never passes capacity (then the whole-trace charts are the focus).
 *
 * @example 1,440 minutes, peak at 20:30 inside 19:58..21:10 above capacity -> { from: 1138, to: 1330 }
 */
export function focusWindow(
  originRequests: readonly number[],
  capacity: number,
  maxMinutes = 360,
): { from: number; to: number } | undefined {
  if (originRequests.length <= maxMinutes) return undefined;
  const peak = originRequests.reduce((best, r, i) => (r > (originRequests[best] ?? 0) ? i : best), 0);
  if ((originRequests[peak] ?? 0) <= capacity) return undefined;
  let start = peak;
  while (start > 0 && (originRequests[start - 1] ?? 0) > capacity) start -= 1;
  let end = peak;
  while (end < originRequests.length - 1 && (originRequests[end + 1] ?? 0) > capacity) end += 1;
  const from = Math.max(0, start - 60, Math.min(peak - maxMinutes / 2, end + 60 - maxMinutes));
  const to = Math.min(originRequests.length - 1, end + 60, from + maxMinutes - 1);
  return { from, to };
}
