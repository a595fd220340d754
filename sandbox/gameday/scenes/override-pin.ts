import { z } from "zod";
import { balancerMinute, firstPool, routeWeights } from "./balancer-steps";
import { check, defineScene } from "./scene";

const params = z
  .strictObject({
    after: z.number().int().min(0).max(600).default(5),
    /** Pinned weights by SetIdentifier; default: 200 on the first origin, the rest on the others. */
    weights: z.record(z.string().min(1), z.number().int().min(0).max(255)).optional(),
    expiresInMinutes: z.number().int().min(2).max(600).default(15),
    /** Minutes to play from the pin (one balancer run per minute); must outlast the pin. */
    minutes: z.number().int().min(3).max(600).default(25),
    author: z.string().min(1).default("oncall-alice"),
    reason: z.string().min(1).default("INC-4711: primary origin being patched, keep it light"),
  })
  .refine((p) => p.minutes > p.expiresInMinutes + 1, {
    path: ["minutes"],
    message: "must be longer than expiresInMinutes + 1, so the scene sees the pin expire",
  });

/**
 * An operator pins the pool's weights through the override function: the balancer must hold Route 53
 * at exactly the pinned weights every minute until the pin expires, then decide on its own again.
 */
export const overridePin = defineScene({
  name: "override-pin",
  params,
  expectation: (p) =>
    `an operator's pin holds Route 53 at the pinned weights for ${p.expiresInMinutes} minutes, then the balancer takes over again`,
  minutes: (p) => p.minutes,
  async run(world, p) {
    const scene = "override-pin";
    const pool = firstPool(world);
    const weights =
      p.weights ??
      Object.fromEntries(
        pool.origins.map((o, i) => [
          o.setIdentifier,
          i === 0 ? 200 : Math.floor(55 / (pool.origins.length - 1)),
        ]),
      );
    const pinnedAt = world.clock.minute;
    world.recorder.note(
      `${p.author} pins ${pool.name} at ${JSON.stringify(weights)} for ${p.expiresInMinutes} minutes`,
    );
    await world.recorder.invoke(scene, () =>
      world.handlers.override({
        action: "pin",
        pool: pool.name,
        weights,
        author: p.author,
        reason: p.reason,
        expiresInMinutes: p.expiresInMinutes,
      }),
    );
    const during: string[] = [];
    let heldEveryMinute = true;
    let overrideNamed = true;
    let afterExpiry = { runs: 0, withOverride: 0, ended: false };
    for (let i = 0; i < p.minutes; i++) {
      const decisions = await balancerMinute(world, scene);
      const read = await routeWeights(world, pool);
      const active = world.clock.minute < pinnedAt + p.expiresInMinutes;
      if (active) {
        const same = Object.entries(weights).every(([id, w]) => read[id] === w);
        heldEveryMinute &&= same;
        overrideNamed &&= decisions.every((d) => d.override !== undefined);
        if (!same) during.push(`${world.clock.label()} ${JSON.stringify(read)}`);
      } else {
        afterExpiry = {
          runs: afterExpiry.runs + 1,
          withOverride: afterExpiry.withOverride + decisions.filter((d) => d.override !== undefined).length,
          ended: afterExpiry.ended || decisions.some((d) => /override|pin/i.test(d.headline)),
        };
      }
      await world.clock.advance(1);
    }
    const posts = world.recorder.entries.filter((e) => e.scene === scene && e.slackText !== undefined);
    return [
      check(
        "the override function accepted the pin and said so in Slack",
        posts.some((e) => e.automation === "override"),
        posts[0]?.slackText ?? "no post",
      ),
      check(
        `Route 53 held the pinned weights every minute for ${p.expiresInMinutes} minutes`,
        heldEveryMinute,
        during.length === 0
          ? `held ${JSON.stringify(weights)}`
          : `differed at ${during.slice(0, 3).join("; ")}`,
      ),
      check(
        "every balancer decision during the pin names the override in force",
        overrideNamed,
        overrideNamed ? "yes" : "a decision did not name it",
      ),
      check(
        "after expiry the balancer decides on its own again and says the pin ended",
        afterExpiry.runs > 0 && afterExpiry.withOverride === 0 && afterExpiry.ended,
        `${afterExpiry.runs} runs after expiry, ${afterExpiry.withOverride} still under the override, end announced: ${afterExpiry.ended}`,
      ),
    ];
  },
});
