import type { StateValue } from "@aws-sdk/client-cloudwatch";
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { z } from "zod";
import { createSsmOverrideStore } from "../../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../../shared/adapters/aws/ssm-state-store";
import type { FlowDecision } from "../../../shared/flow-control/domain/flow-control-decision";
import { BUTTON_ACTIONS } from "../../../shared/kernel/domain/buttons";
import { parameterKeys } from "../../../shared/kernel/domain/parameter-layout";
import type { BalancerDecision } from "../../../shared/origin-balancer/domain/balancer-decision";
import type { PendingWeightPlan } from "../../../shared/origin-balancer/domain/pending-weight-plan";
import { setAlarmState } from "../../seed/canary-world";
import { buttonClickBody, signedRequest, slashCommandBody } from "../../servers/slack-interactivity";
import { alarmEvent, scheduledEvent } from "../events";
import { SANDBOX_SIGNING_SECRET } from "../world-seed";
import type { World } from "../world-types";
import { firstPool, routeWeights } from "./balancer-steps";
import { check, defineScene, type SceneCheck } from "./scene";

const params = z.strictObject({
  after: z.number().int().min(0).max(600).default(0),
});

/**
 * Slack ChatOps, as a phone in an incident uses it: a balancer plan (the stage's balancer in plan mode)
 * is approved by a signed Approve click and applied by the next run; a flow-control incident is paused
 * for an hour from its root's button, then resumed with `/autopilot resume`. Each step is checked in
 * moto and in the messages the Slack sink holds.
 */
export const slackChatops = defineScene({
  name: "slack-chatops",
  params,
  needsHaproxy: true,
  expectation: () =>
    "a signed Approve click applies a balancer plan, and a signed Pause 1 h click pauses a flow-control incident from its thread; each answered within 3 s and shown in the message",
  minutes: (_p, config) => (config.flowControl?.fleets[0]?.minEngagedMinutes ?? 10) + 4,
  async run(world) {
    const user = Object.entries(world.config.slackChatops?.allowlist ?? {})[0];
    if (user === undefined) throw new Error("slack-chatops needs a slackChatops allowlist in the stage file");
    const [userId, author] = user;
    return [...(await approvePlan(world, userId, author)), ...(await pauseIncident(world, userId, author))];
  },
});

const SCENE = "slack-chatops";

/** One signed request to the function URL, timed, then the override runs it queued, recorded. */
async function send(world: World, body: string) {
  const event = signedRequest(SANDBOX_SIGNING_SECRET, body, { timestamp: Math.floor(Date.now() / 1000) });
  const started = performance.now();
  const answer = (await world.handlers.slackChatops(event)) as { statusCode: number; body: string };
  const ms = performance.now() - started;
  const text = String((JSON.parse(answer.body) as { text?: string }).text);
  world.recorder.note(`Slack answered ${answer.statusCode} in ${ms.toFixed(0)} ms: ${text}`);
  // The queued override runs; their Slack calls (decision posts, response_url answers) are recorded.
  await world.recorder.invoke(SCENE, () => world.handlers.settleSlack().then(() => ({})));
  return { status: answer.statusCode, ms, text };
}

function messageWith(world: World, needle: string, method = "chat.postMessage") {
  const call = [...world.slack.calls]
    .reverse()
    .find((c) => c.method === method && JSON.stringify(c.body.attachments ?? []).includes(needle));
  return (
    call && { ts: call.ts, text: String(call.body.text), attachments: call.body.attachments as unknown[] }
  );
}

const answerOn = (world: World, ts: string) =>
  [...world.slack.calls].reverse().find((c) => c.method === "response_url" && c.ts === ts);

async function approvePlan(world: World, userId: string, author: string): Promise<SceneCheck[]> {
  const pool = firstPool(world);
  // The primary takes everything again (a human's edit): in the sale the balancer wants load off it.
  await setWeights(
    world,
    Object.fromEntries(pool.origins.map((o, i) => [o.setIdentifier, i === 0 ? 255 : 0])),
  );
  world.recorder.note(
    `weights set by hand to everything on ${pool.origins[0]?.setIdentifier}; the balancer runs in plan mode`,
  );
  const [planned] = await world.recorder.invoke<BalancerDecision>(SCENE, () =>
    world.handlers.originBalancerPlanMode(
      scheduledEvent(world.clock.now, world.config.stage, "origin-balancer"),
    ),
  );
  const planId = /plan (plan-[0-9a-f]{8})/.exec(planned?.headline ?? "")?.[1] ?? "none";
  const message = messageWith(world, `"value":"${planId}"`);
  const checks = [
    check(
      "the plan message carries Approve / Reject buttons",
      message !== undefined,
      planned?.headline ?? "no decision",
    ),
  ];
  if (message === undefined) return checks;
  const sent = await send(
    world,
    buttonClickBody({
      userId,
      actionId: BUTTON_ACTIONS.approve,
      value: planId,
      responseUrl: world.slack.responseUrl(message.ts),
      message,
    }),
  );
  const state = createSsmStateStore(world.clients.ssm, world.config.parameterPrefix);
  const stored = (await state.load<PendingWeightPlan>(parameterKeys.balancerPendingPlan(pool.name)))?.value;
  const [executed] = await world.recorder.invoke<BalancerDecision>(SCENE, () =>
    world.handlers.originBalancerPlanMode(
      scheduledEvent(world.clock.now, world.config.stage, "origin-balancer"),
    ),
  );
  const weights = await routeWeights(world, pool);
  const answered = answerOn(world, message.ts);
  await world.clock.advance(1);
  return [
    ...checks,
    check(
      "the signed Approve click was answered within 3 s",
      sent.status === 200 && sent.ms < 3_000,
      `${sent.ms.toFixed(0)} ms: ${sent.text}`,
    ),
    check(
      `moto: ${planId} approved by ${author}, then applied by the next run`,
      stored?.status === "approved" &&
        stored.approval?.author === author &&
        executed?.outcome === "applied" &&
        Object.entries(stored.proposed).every(([id, w]) => weights[id] === w),
      `stored ${stored?.status ?? "none"} by ${stored?.approval?.author ?? "?"}; run ${executed?.outcome ?? "none"}; Route 53 ${JSON.stringify(weights)}`,
    ),
    check(
      "Slack: the plan message now says who approved it, without its buttons",
      answered?.body.replace_original === true &&
        !JSON.stringify(answered.body.attachments).includes('"type":"actions"') &&
        JSON.stringify(answered.body.attachments).includes(`approved by ${author}`),
      String(answered?.body.text ?? "no answer on the response_url"),
    ),
  ];
}

async function pauseIncident(world: World, userId: string, author: string): Promise<SceneCheck[]> {
  const fleet = world.config.flowControl?.fleets[0];
  const closeAlarm = fleet?.alarms.find((a) => a.onAlarm?.mode === "closed")?.alarmName;
  const openAlarm = fleet?.alarms.find((a) => a.onAlarm?.mode === "open" || a.onOk?.mode === "open");
  if (fleet === undefined || closeAlarm === undefined || openAlarm === undefined) {
    throw new Error("slack-chatops needs a flow-control fleet with an alarm that closes and one that opens");
  }
  const notify = async (alarmName: string, newState: StateValue, oldState: StateValue, reason: string) => {
    await setAlarmState(world.clients.cloudwatch, alarmName, newState, reason);
    world.recorder.note(`alarm ${alarmName} -> ${newState} (${reason})`);
    const event = alarmEvent(
      { alarmName, newState, oldState, at: world.clock.now, reason },
      world.seeded.alarmTopicArn,
    );
    return world.recorder.invoke<FlowDecision>(SCENE, () => world.handlers.flowControl(event));
  };
  const started = world.clock.minute;
  await notify(closeAlarm, "ALARM", "OK", "Threshold Crossed: CPU 95% > 80% for 3 datapoints");
  const root = messageWith(world, `"value":"flow-control/${fleet.name}"`);
  const checks = [
    check(
      "the incident root carries Pause 1 h / Resume",
      root !== undefined,
      root?.text ?? "no root with buttons",
    ),
  ];
  if (root === undefined) return checks;
  const sent = await send(
    world,
    buttonClickBody({
      userId,
      actionId: BUTTON_ACTIONS.pauseHour,
      value: `flow-control/${fleet.name}`,
      responseUrl: world.slack.responseUrl(root.ts),
      message: root,
    }),
  );
  const overrides = createSsmOverrideStore(
    world.clients.ssm,
    world.config.parameterPrefix,
    createSsmStateStore(world.clients.ssm, world.config.parameterPrefix),
  );
  const paused = (await overrides.load("flow-control", fleet.name))?.value;
  const minutesLeft = paused
    ? Math.round((Date.parse(paused.expiresAt) - world.clock.now.getTime()) / 60_000)
    : 0;
  const answered = answerOn(world, root.ts);
  checks.push(
    check(
      "the signed Pause 1 h click was answered within 3 s",
      sent.status === 200 && sent.ms < 3_000,
      `${sent.ms.toFixed(0)} ms: ${sent.text}`,
    ),
    check(
      `moto: flow-control ${fleet.name} paused by ${author} for 60 minutes`,
      paused?.action.kind === "pause" && paused.author === author && minutesLeft === 60,
      paused
        ? `${paused.action.kind} by ${paused.author} until ${paused.expiresAt} (${minutesLeft} min)`
        : "no override stored",
    ),
    check(
      "Slack: the incident root says who paused it and until when",
      answered?.body.replace_original === true &&
        JSON.stringify(answered.body.attachments).includes(`paused by ${author}`),
      String(answered?.body.text ?? "no answer on the response_url"),
    ),
  );
  // Resumed from the slash command, then the fleet is released as CPU comes back.
  await world.clock.advance((fleet.minEngagedMinutes ?? 10) + 1);
  const resumed = await send(
    world,
    slashCommandBody({
      userId,
      text: `resume --automation flow-control --target ${fleet.name} --reason "CPU back to normal"`,
      responseUrl: world.slack.responseUrl("9.1"),
    }),
  );
  const cleared = (await overrides.load("flow-control", fleet.name))?.value;
  await notify(closeAlarm, "OK", "ALARM", "Threshold Crossed: CPU 35% < 80%");
  const releaseState = openAlarm.onAlarm?.mode === "open" ? "ALARM" : "OK";
  let [release] = await notify(
    openAlarm.alarmName,
    releaseState,
    releaseState === "ALARM" ? "OK" : "ALARM",
    "CPU 35% < 40%",
  );
  for (let i = 0; i < 3 && release?.outcome !== "applied"; i++) {
    await world.clock.advance(1);
    [release] = await world.recorder.invoke<FlowDecision>(SCENE, () =>
      world.handlers.flowControl(scheduledEvent(world.clock.now, world.config.stage, "flow-control")),
    );
  }
  checks.push(
    check(
      `/autopilot resume ended the pause in moto, and the fleet was released`,
      cleared?.cleared?.author === author && release?.outcome === "applied" && release.after.mode === "open",
      `${resumed.text}; cleared by ${cleared?.cleared?.author ?? "nobody"}; release ${release?.outcome ?? "none"}`,
    ),
  );
  await world.clock.advance(Math.max(0, started + (fleet.minEngagedMinutes ?? 10) + 4 - world.clock.minute));
  return checks;
}

/** A human's edit of the weights in Route 53, keeping every other field as it is. */
async function setWeights(world: World, weights: Record<string, number>): Promise<void> {
  const pool = firstPool(world);
  const out = await world.clients.route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: pool.record.hostedZoneId }),
  );
  const name = `${pool.record.name.replace(/\.$/, "")}.`;
  const changes = (out.ResourceRecordSets ?? [])
    .filter((r) => r.Name === name && r.SetIdentifier !== undefined && weights[r.SetIdentifier] !== undefined)
    .map((r) => ({
      Action: "UPSERT" as const,
      ResourceRecordSet: { ...r, Weight: weights[r.SetIdentifier as string] },
    }));
  await world.clients.route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: pool.record.hostedZoneId,
      ChangeBatch: { Changes: changes },
    }),
  );
}
