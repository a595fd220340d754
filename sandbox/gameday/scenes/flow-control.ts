import type { StateValue } from "@aws-sdk/client-cloudwatch";
import { z } from "zod";
import type { StageConfig } from "../../../shared/config/stage-config";
import type { FlowDecision } from "../../../shared/flow-control/domain/flow-control-decision";
import { setAlarmState } from "../../seed/canary-world";
import { httpGet } from "../../servers/haproxy-instance";
import { messageEvidence } from "../emoji";
import { alarmEvent, scheduledEvent } from "../events";
import type { World } from "../world-types";
import { check, defineScene, type SceneCheck } from "./scene";

const SORRY_MARKER = "So many of you are here right now!";

const params = z.strictObject({
  after: z.number().int().min(0).max(600).default(5),
  /** Minutes from the CPU alarm to CPU back to normal; under minEngagedMinutes the release is held first. */
  normalAfterMinutes: z.number().int().min(1).max(600).default(4),
});

type Params = z.infer<typeof params>;

const minutes = (p: Params, config: StageConfig) =>
  Math.max(p.normalAfterMinutes, config.flowControl?.fleets[0]?.minEngagedMinutes ?? 0) + 2;

/**
 * A CPU alarm on the web fleet: flow control must close every tagged HAProxy instance (a real request
 * without the admission cookie gets the sorry page, one with it reaches the backend); CPU back to
 * normal releases it once the fleet was engaged long enough, and every instance serves everyone again.
 */
export const flowControl = defineScene({
  name: "flow-control",
  params,
  needsHaproxy: true,
  expectation: () =>
    "a CPU alarm closes every HAProxy instance (no cookie: sorry page; cookie: backend); CPU back to normal opens them again after the minimum engaged time",
  minutes,
  async run(world, p) {
    const scene = "flow-control";
    const fleet = world.config.flowControl?.fleets[0];
    const members = world.fleet?.members ?? [];
    if (fleet === undefined || members.length === 0)
      throw new Error("flow-control needs a fleet and local instances");
    const closeAlarm = fleet.alarms.find((a) => a.onAlarm?.mode === "closed")?.alarmName;
    const openAlarm = fleet.alarms.find((a) => a.onAlarm?.mode === "open" || a.onOk?.mode === "open");
    if (closeAlarm === undefined || openAlarm === undefined) {
      throw new Error(`fleet ${fleet.name} needs an alarm that closes and one that opens`);
    }
    const notify = async (alarmName: string, newState: StateValue, oldState: StateValue, reason: string) => {
      await setAlarmState(world.clients.cloudwatch, alarmName, newState, reason);
      world.recorder.note(`alarm ${alarmName} -> ${newState} (${reason})`);
      const event = alarmEvent(
        { alarmName, newState, oldState, at: world.clock.now, reason },
        world.seeded.alarmTopicArn,
      );
      return world.recorder.invoke<FlowDecision>(scene, () => world.handlers.flowControl(event));
    };
    const checks: SceneCheck[] = [];
    const started = world.clock.minute;

    const [engage] = await notify(
      closeAlarm,
      "ALARM",
      "OK",
      "Threshold Crossed: CPU 93% > 80% for 3 datapoints",
    );
    checks.push(
      check(
        "the CPU alarm engaged flow control on every instance",
        engage?.outcome === "applied" && engage.after.mode === "closed",
        `${engage?.rule ?? "no decision"} ${engage?.outcome ?? ""}: ${engage?.headline ?? ""}`,
      ),
      await servedCheck(
        world,
        "closed: a request without the cookie gets the sorry page, one with it the backend",
        "closed",
      ),
    );

    await world.clock.advance(p.normalAfterMinutes);
    // CPU back to normal: the engage alarm returns to OK and the release alarm fires, as CloudWatch does.
    await notify(closeAlarm, "OK", "ALARM", "Threshold Crossed: CPU 35% < 80%");
    const releaseState = openAlarm.onAlarm?.mode === "open" ? "ALARM" : "OK";
    let [release] = await notify(
      openAlarm.alarmName,
      releaseState,
      releaseState === "ALARM" ? "OK" : "ALARM",
      "CPU 35% < 40% for 3 datapoints",
    );
    const minEngaged = fleet.minEngagedMinutes;
    if (p.normalAfterMinutes < minEngaged) {
      checks.push(
        check(
          `the release waits for the ${minEngaged}-minute minimum engaged time`,
          release?.outcome === "held",
          `${release?.rule ?? "no decision"} ${release?.outcome ?? ""}: ${release?.headline ?? ""}`,
        ),
        await servedCheck(world, "still closed while the release is held", "closed"),
      );
    }
    // The converge schedule applies the held release; bounded by the minimum engaged time.
    while (release?.outcome !== "applied" && world.clock.minute <= started + minEngaged + 1) {
      await world.clock.advance(1);
      [release] = await world.recorder.invoke<FlowDecision>(scene, () =>
        world.handlers.flowControl(scheduledEvent(world.clock.now, world.config.stage, "flow-control")),
      );
    }
    checks.push(
      check(
        "flow control was released",
        release?.outcome === "applied" && release.after.mode === "open",
        `${release?.rule ?? "no decision"} ${release?.outcome ?? ""} at ${world.clock.label()}: ${release?.headline ?? ""}`,
      ),
      await servedCheck(world, "open: a request without the cookie reaches the backend again", "open"),
    );
    const texts = world.recorder.entries.filter((e) => e.scene === scene).map((e) => e.slackText ?? "");
    checks.push(
      check(
        "Slack heard the engage and the release",
        texts.some((t) => /ENGAGED/.test(t)) && texts.some((t) => /released/i.test(t)),
        messageEvidence(texts),
      ),
    );
    await world.clock.advance(Math.max(0, started + minutes(p, world.config) - world.clock.minute));
    return checks;
  },
});

/** Real HTTP requests to every instance: without the cookie, and with it. */
async function servedCheck(world: World, name: string, expected: "closed" | "open"): Promise<SceneCheck> {
  const seen: string[] = [];
  let ok = true;
  for (const m of world.fleet?.members ?? []) {
    const newUser = await httpGet(`${m.haproxy.frontendUrl}/products`);
    const admitted = await httpGet(`${m.haproxy.frontendUrl}/products`, {
      cookie: `${m.haproxy.cookieName}=1`,
    });
    const newOk =
      expected === "closed"
        ? newUser.status === 503 && newUser.body.includes(SORRY_MARKER)
        : newUser.status === 200 && newUser.body.startsWith("backend-ok");
    const admittedOk = admitted.status === 200 && admitted.body.startsWith("backend-ok");
    ok &&= newOk && admittedOk;
    seen.push(`${m.instanceId}: no cookie ${newUser.status}, cookie ${admitted.status}`);
  }
  return check(name, ok && seen.length > 0, seen.join("; "));
}
