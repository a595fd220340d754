import { DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { z } from "zod";
import type { CanarySectionConfig } from "../../../shared/canary/config";
import type { CanaryDecision } from "../../../shared/canary/domain/canary-decision";
import type { StageConfig } from "../../../shared/config/stage-config";
import { setAlarmState } from "../../seed/canary-world";
import { alarmEvent, scheduledEvent } from "../events";
import type { World } from "../world-types";
import { check, defineScene } from "./scene";

const params = z.strictObject({
  after: z.number().int().min(0).max(600).default(3),
  /** Steps the canary advances through on schedule before the gate alarm fires. */
  advances: z.number().int().min(1).max(10).default(2),
  /** Minutes into the last step when the gate alarm fires. */
  alarmAfterMinutes: z.number().int().min(1).max(600).default(3),
});
type Params = z.infer<typeof params>;

const section = (config: StageConfig): CanarySectionConfig => {
  const canary = config.canary;
  if (canary?.canaries[0] === undefined) throw new Error("the stage file has no canary to play");
  return canary;
};
const bakeOf = (config: StageConfig, step: number): number => {
  const canary = section(config).canaries[0];
  const spec = canary?.steps[step];
  return (typeof spec === "object" ? spec.bakeMinutes : undefined) ?? canary?.bakeMinutes ?? 10;
};
const minutes = (p: Params, config: StageConfig) =>
  Array.from({ length: p.advances }, (_, i) => bakeOf(config, i)).reduce((a, b) => a + b, 0) +
  p.alarmAfterMinutes +
  1;

/**
 * A release goes out as a canary: started (as the override function hands it over), advanced by the
 * schedule after each bake time, then a gate alarm fires and the canary rolls back in one ModifyRule:
 * canary weight 0 and stickiness off, all told in one Slack thread.
 */
export const canary = defineScene({
  name: "canary",
  params,
  expectation: (p) =>
    `the canary starts at its first step, advances ${p.advances} step(s) on schedule, and a gate alarm rolls it back to weight 0 with stickiness off`,
  minutes,
  async run(world, p) {
    const scene = "canary";
    const spec = section(world.config).canaries[0];
    const seeded = world.seeded.canary;
    if (spec === undefined || seeded === undefined) throw new Error("the canary was not seeded");
    const gate = spec.gateAlarms[0] ?? "";
    const percents = spec.steps.map((s) => (typeof s === "number" ? s : s.percent));
    const started = world.clock.minute;
    const sample = async () => {
      const split = await forward(world);
      world.recorder.canary.push({ time: world.clock.label(), canaryPercent: split.percent });
      return split;
    };

    world.recorder.note(`release ${spec.name}: canary start requested by the release engineer`);
    const [start] = await world.recorder.invoke<CanaryDecision>(scene, () =>
      world.handlers.canary({
        canaryCommand: {
          kind: "start",
          canary: spec.name,
          author: "release-bot",
          reason: "release 2026.11.2",
        },
      }),
    );
    const first = await sample();
    const seen: number[] = [];
    for (let step = 0; step < p.advances; step++) {
      await world.clock.advance(bakeOf(world.config, step));
      await world.recorder.invoke<CanaryDecision>(scene, () =>
        world.handlers.canary(scheduledEvent(world.clock.now, world.config.stage, "canary")),
      );
      seen.push((await sample()).percent);
    }
    await world.clock.advance(p.alarmAfterMinutes);
    await setAlarmState(world.clients.cloudwatch, gate, "ALARM", "Threshold Crossed: 14 5xx in a minute");
    world.recorder.note(`alarm ${gate} -> ALARM (14 5xx in a minute on the canary)`);
    const [rollback] = await world.recorder.invoke<CanaryDecision>(scene, () =>
      world.handlers.canary(
        alarmEvent(
          {
            alarmName: gate,
            newState: "ALARM",
            oldState: "OK",
            at: world.clock.now,
            reason: "Threshold Crossed: 14 5xx",
          },
          world.config.canary?.alarmTopicArn,
        ),
      ),
    );
    const after = await sample();
    await world.clock.advance(Math.max(0, started + minutes(p, world.config) - world.clock.minute));

    const calls = world.recorder.slack.filter((s) => s.scene === scene);
    const replies = calls.filter((c) => c.method === "chat.postMessage" && c.body.thread_ts !== undefined);
    const threads = new Set(replies.map((c) => c.body.thread_ts));
    const expected = percents.slice(1, 1 + p.advances);
    return [
      check(
        `the canary started at ${percents[0]}%`,
        start?.outcome === "applied" && first.percent === percents[0],
        `${start?.outcome ?? "no decision"}; rule reads ${first.percent}% canary`,
      ),
      check(
        `it advanced on schedule to ${expected.join("%, ")}%`,
        JSON.stringify(seen) === JSON.stringify(expected),
        `read back: ${seen.join("%, ")}%`,
      ),
      check(
        "the gate alarm rolled it back",
        rollback?.rule === "gate-alarm" && rollback.outcome === "applied",
        `${rollback?.rule ?? "no decision"} ${rollback?.outcome ?? ""}: ${rollback?.headline ?? ""}`,
      ),
      check(
        "the rule reads canary weight 0 with stickiness off",
        after.canary === 0 && after.stickiness === false,
        `stable ${after.stable}, canary ${after.canary}, stickiness ${after.stickiness ? "on" : "off"}`,
      ),
      check(
        "Slack told it in one thread with its headline updated in place",
        threads.size === 1 && replies.length >= 2 && calls.some((c) => c.method === "chat.update"),
        `${replies.length} replies in ${threads.size} thread(s), ${calls.filter((c) => c.method === "chat.update").length} updates`,
      ),
    ];
  },
});

async function forward(world: World) {
  const seeded = world.seeded.canary;
  const out = await world.clients.elbv2.send(new DescribeRulesCommand({ RuleArns: [seeded?.ruleArn ?? ""] }));
  const action = out.Rules?.[0]?.Actions?.find((a) => a.Type === "forward")?.ForwardConfig;
  const weight = (arn?: string) => action?.TargetGroups?.find((g) => g.TargetGroupArn === arn)?.Weight ?? 0;
  const stable = weight(seeded?.stableTargetGroupArn);
  const canary = weight(seeded?.canaryTargetGroupArn);
  return {
    stable,
    canary,
    percent: stable + canary === 0 ? 0 : Math.round((canary / (stable + canary)) * 1000) / 10,
    stickiness: action?.TargetGroupStickinessConfig?.Enabled === true,
  };
}
