import { EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FleetWorld, startFleetWorld } from "../../sandbox/seed/fleet-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { FlowDecision } from "../../shared/flow-control/domain/flow-control-decision";
import type { IncidentThread } from "../../shared/kernel/domain/incident";
import type { StateStore } from "../../shared/ports/state-store";
import { alarmTime, scheduledEvent as scheduled, snsAlarm } from "../support/events";
import { notifiedAlarmsHandler } from "../support/flow-control-setup";
import { skipHaproxyTests } from "../support/haproxy-instance";
import { motoClientOptions, motoOrSkip } from "../support/moto";
import { flowControlRuntime, sinkSlackClient } from "../support/runtimes";
import { slackThreads, text } from "../support/slack-threads";

const hasMoto = motoOrSkip();
const noHaproxy = skipHaproxyTests();
const DOCUMENT = "TrafficAutopilot-FlowControl";
const PREFIX = "/traffic-autopilot/test";

const STAGE = `
stage: test
region: eu-west-1
parameterPrefix: ${PREFIX}
slack: { channel: "#traffic", tokenParameter: ${PREFIX}/slack-token }
flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms]
  documentName: ${DOCUMENT}
  commands: { pollIntervalMs: 50 }
  fleets:
    - name: web
      tag: { key: Role, value: haproxy-web }
      minEngagedMinutes: 10
      alarms:
        - { alarmName: web-overload, onAlarm: close }
        - { alarmName: web-overload-cleared, onAlarm: open }
        - { alarmName: web-queue-depth, onAlarm: admit 20 }
`;

let messages = 0;
/** An SNS delivery of the engage fixture, re-addressed: its own alarm, state, time and message id. */
function alarm(alarmName: string, state: string, at: string, oldState = "OK") {
  messages += 1;
  return snsAlarm(
    "flow-control-engage-alarm",
    { AlarmName: alarmName, NewStateValue: state, OldStateValue: oldState, StateChangeTime: alarmTime(at) },
    `00000000-0000-5000-8000-${String(messages).padStart(12, "0")}`,
  );
}

describe.skipIf(!hasMoto || noHaproxy)(
  "flow control incidents in Slack threads (moto, HAProxy, Slack sink)",
  () => {
    let moto: MotoServer;
    let slack: SlackSink;
    let world: FleetWorld;
    let state: StateStore;

    function run(event: unknown, now: string): Promise<FlowDecision[]> {
      const runtime = flowControlRuntime({
        stage: STAGE,
        ssm: motoClientOptions(world.standIn.url),
        slack: sinkSlackClient(slack),
        aws: motoClientOptions(moto.url),
        now: () => new Date(now),
        deadlineMs: 20_000,
      });
      return notifiedAlarmsHandler(runtime, motoClientOptions(moto.url))(event);
    }

    beforeAll(async () => {
      [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
      world = await startFleetWorld({
        motoUrl: moto.url,
        // RunInstances is not idempotent: seeding waits as long as a loaded moto needs instead of timing
        // out and retrying (each retry would launch the fleet again).
        ec2: new EC2Client(motoClientOptions(moto.url)),
        tag: { key: "Role", value: "haproxy-web" },
        size: 2,
        documentName: DOCUMENT,
        deliveryTimeoutMs: 1_500,
      });
      state = createSsmStateStore(createSsmClient(motoClientOptions(moto.url)), PREFIX);
    });

    afterAll(async () => {
      await world?.stop();
      await Promise.all([moto?.stop(), slack?.stop()]);
    });

    it("keeps admit -> engage -> held release -> release in one thread whose root follows the incident", async () => {
      const rules: string[] = [];
      const step = async (event: unknown, now: string) => {
        const [decision] = await run(event, now);
        rules.push(`${decision?.rule}:${decision?.outcome}`);
      };
      await step(alarm("web-queue-depth", "ALARM", "2026-11-02T20:00:00Z"), "2026-11-02T20:00:01Z");
      await step(alarm("web-overload", "ALARM", "2026-11-02T20:04:31Z"), "2026-11-02T20:04:36Z");
      await step(alarm("web-overload-cleared", "ALARM", "2026-11-02T20:07:30Z"), "2026-11-02T20:07:31Z");
      const afterFirstHold = slack.calls.length;
      // The release alarm flaps, a metric outage blanks two alarms, a converge run comes before the release
      // is due: none of it is news in Slack.
      await step(
        alarm("web-overload-cleared", "OK", "2026-11-02T20:08:00Z", "ALARM"),
        "2026-11-02T20:08:01Z",
      );
      await step(alarm("web-overload-cleared", "ALARM", "2026-11-02T20:08:30Z"), "2026-11-02T20:08:31Z");
      await step(scheduled, "2026-11-02T20:09:00Z");
      expect(slack.calls.length).toBe(afterFirstHold);
      await step(
        alarm("web-queue-depth", "INSUFFICIENT_DATA", "2026-11-02T20:09:10Z"),
        "2026-11-02T20:09:11Z",
      );
      await step(alarm("web-overload", "INSUFFICIENT_DATA", "2026-11-02T20:09:20Z"), "2026-11-02T20:09:21Z");
      await step(scheduled, "2026-11-02T20:11:00Z");
      expect(rules).toEqual([
        "admit:applied",
        "engage:applied",
        "min-engaged-time:held",
        "no-intent:ignored",
        "min-engaged-time:held",
        "converge:unchanged",
        "insufficient-data:held",
        "insufficient-data:held",
        "release:applied",
      ]);
      for (const member of world.members) expect((await member.haproxy.status()).mode).toBe("open");

      const { roots, replies, updates } = slackThreads(slack.calls);
      expect(roots).toHaveLength(1);
      const root = roots[0];
      expect(text(root)).toMatch(/^Flow control · fleet web \(Role=haproxy-web\): admission set to 20/);
      expect(replies.map((r) => [r.body.thread_ts, text(r)])).toEqual([
        [root?.ts, expect.stringContaining("admission set to 20 new users/s")],
        [root?.ts, expect.stringContaining("flow control ENGAGED")],
        [root?.ts, expect.stringContaining("open held by min-engaged-time")],
        [root?.ts, expect.stringContaining("holding closed")],
        [root?.ts, expect.stringContaining("flow control released")],
      ]);
      expect(updates.map((u) => [u.body.ts, text(u)])).toEqual([
        [root?.ts, expect.stringMatching(/^Flow control · .*: flow control ENGAGED/)],
        [root?.ts, expect.stringMatching(/^Flow control · .*: open held by min-engaged-time/)],
        [root?.ts, expect.stringMatching(/^Flow control · .*: holding closed/)],
        [root?.ts, expect.stringMatching(/^Resolved — Flow control · .*: flow control released/)],
      ]);
      // The root's colour follows the incident: yellow while engaged, green once released.
      const colour = (call: (typeof updates)[number] | undefined) =>
        (call?.body.attachments as { color: string }[] | undefined)?.[0]?.color;
      expect([colour(updates[0]), colour(updates.at(-1))]).toEqual(["#daa038", "#2eb886"]);
      expect(JSON.stringify(updates.at(-1)?.body.attachments)).toContain("after 11 min");

      const thread = await state.load<IncidentThread>("flow-control/threads/web");
      expect(thread?.value).toEqual({
        ts: root?.ts,
        openedAt: "2026-11-02T20:00:01.000Z",
        headline: expect.stringContaining("flow control released"),
        severity: "info",
        closedAt: "2026-11-02T20:11:00.000Z",
      });
    });

    it("opens a new thread for the next engage, and leaves the closed one alone", async () => {
      const before = slack.calls.length;
      const previous = (await state.load<IncidentThread>("flow-control/threads/web"))?.value;
      const [engaged] = await run(
        alarm("web-overload", "ALARM", "2026-11-02T21:00:00Z"),
        "2026-11-02T21:00:02Z",
      );
      expect([engaged?.rule, engaged?.outcome]).toEqual(["engage", "applied"]);

      const { roots, replies, updates } = slackThreads(slack.calls, before);
      expect(roots).toHaveLength(1);
      expect(roots[0]?.ts).not.toBe(previous?.ts);
      expect(text(roots[0])).toMatch(/flow control ENGAGED/);
      expect(replies.map((r) => r.body.thread_ts)).toEqual([roots[0]?.ts]);
      expect(updates).toEqual([]);
      expect((await state.load<IncidentThread>("flow-control/threads/web"))?.value).toMatchObject({
        ts: roots[0]?.ts,
        openedAt: "2026-11-02T21:00:02.000Z",
      });
    });

    it("posts an unknown alarm alone, outside any incident thread", async () => {
      const before = slack.calls.length;
      const [unknown] = await run(
        alarm("db-cpu-high", "ALARM", "2026-11-02T21:05:00Z"),
        "2026-11-02T21:05:01Z",
      );
      expect(unknown?.rule).toBe("unknown-alarm");
      const { roots, replies, updates } = slackThreads(slack.calls, before);
      expect([roots.length, replies.length, updates.length]).toEqual([1, 0, 0]);
      expect(text(roots[0])).toContain("db-cpu-high");
    });
  },
);
