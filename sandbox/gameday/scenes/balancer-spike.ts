import { z } from "zod";
import { balancerMinute, firstPool, routeWeights, shareOf } from "./balancer-steps";
import { check, defineScene } from "./scene";

const params = z.strictObject({
  after: z.number().int().min(0).max(600).default(0),
  /** Minutes to play, one scheduled run per minute (the stage's rate(1 minute)). */
  minutes: z.number().int().min(5).max(600).default(90),
  /** The primary's weight (of 255 in total) must fall below this at least once. */
  shiftedBelow: z.number().int().min(1).max(255).default(128),
  /** Minutes the primary may carry more than its capacity (the first minutes of a surge). */
  maxOverloadMinutes: z.number().int().min(0).max(600).default(10),
});

/**
 * A sale spike: the trace's cache-miss load surges past the primary origin's capacity. The balancer
 * must move weight to the elastic origin before the primary drowns, post every change to Slack, and
 * leave Route 53 holding what its last decision said.
 */
export const balancerSpike = defineScene({
  name: "balancer-spike",
  params,
  expectation: (p) =>
    `the balancer moves weight off the primary (below ${p.shiftedBelow}/255) as the load surges, the primary is over capacity at most ${p.maxOverloadMinutes} minutes, and every change is in Slack`,
  minutes: (p) => p.minutes,
  async run(world, p) {
    const scene = "balancer-spike";
    const pool = firstPool(world);
    const primary = pool.origins[0]?.setIdentifier ?? "";
    const capacity = pool.origins[0]?.capacity ?? Number.POSITIVE_INFINITY;
    let applied = 0;
    let lastAfter: Record<string, number> | undefined;
    let lowest = Number.POSITIVE_INFINITY;
    let overloaded = 0;
    let peak = { time: "", load: 0, share: 0 };
    for (let i = 0; i < p.minutes; i++) {
      const decisions = await balancerMinute(world, scene);
      for (const d of decisions.filter((x) => x.outcome === "applied")) {
        applied += 1;
        lastAfter = d.after.weights;
      }
      const sample = world.recorder.balancer.at(-1);
      const weights = sample?.weights ?? {};
      lowest = Math.min(lowest, weights[primary] ?? 255);
      const share = shareOf(weights, primary);
      const load = sample?.load ?? 0;
      if (load * share > capacity) overloaded += 1;
      if (load > peak.load) peak = { time: world.clock.label(), load, share };
      await world.clock.advance(1);
    }
    const posted = world.recorder.entries.filter(
      (e) => e.scene === scene && e.outcome === "applied" && e.slackText !== undefined,
    ).length;
    const final = await routeWeights(world, pool);
    return [
      check(
        `Route 53 moved the ${primary} weight below ${p.shiftedBelow}`,
        lowest < p.shiftedBelow,
        `lowest ${primary} weight read back: ${lowest}/255`,
      ),
      check(
        `the ${primary} origin carried more than its capacity for at most ${p.maxOverloadMinutes} minutes`,
        overloaded <= p.maxOverloadMinutes,
        `${overloaded} minutes over ${capacity}/min; at the peak (${peak.time}, ${Math.round(peak.load)}/min) it carried ${Math.round(peak.share * 100)}%`,
      ),
      check(
        "every applied change was posted to Slack",
        applied > 0 && posted === applied,
        `${applied} changes applied, ${posted} posted`,
      ),
      check(
        "Route 53 holds what the last decision applied",
        lastAfter !== undefined && JSON.stringify(sorted(final)) === JSON.stringify(sorted(lastAfter)),
        `Route 53 ${JSON.stringify(sorted(final))}, last decision ${JSON.stringify(sorted(lastAfter ?? {}))}`,
      ),
    ];
  },
});

function sorted(weights: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(weights).sort(([a], [b]) => a.localeCompare(b)));
}
