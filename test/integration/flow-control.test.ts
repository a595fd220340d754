import { EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FleetWorld, startFleetWorld } from "../../sandbox/seed/fleet-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import type { FlowDecision } from "../../shared/flow-control/domain/flow-control-decision";
import {
  eventFixture,
  snsAlarm as notification,
  rejectedWith,
  scheduledEvent as scheduled,
} from "../support/events";
import { notifiedAlarmsHandler } from "../support/flow-control-setup";
import { httpGet, skipHaproxyTests } from "../support/haproxy-instance";
import { motoClientOptions, motoOrSkip } from "../support/moto";
import { flowControlRuntime, sinkSlackClient } from "../support/runtimes";
import { flowControlStage, GRADED_ALARMS } from "../support/stages";

const hasMoto = motoOrSkip();
const fixture = (name: string) => eventFixture(`sns/${name}`);
const noHaproxy = skipHaproxyTests();
const SORRY_MARKER = "So many of you are here right now!";
const FLEET_SIZE = 6;
const DOCUMENT = "TrafficAutopilot-FlowControl";

const STAGE = flowControlStage({ documentName: DOCUMENT, minEngagedMinutes: 10, alarms: GRADED_ALARMS });

describe.skipIf(!hasMoto || noHaproxy)(
  "flow control end to end: SNS alarm -> handler -> Run Command -> HAProxy fleet",
  () => {
    let moto: MotoServer;
    let slack: SlackSink;
    let world: FleetWorld;
    const logLines: string[] = [];

    function handlerAt(now: Date) {
      const runtime = flowControlRuntime({
        stage: STAGE,
        // SSM goes through the stand-in (Run Command runs for real; parameters are forwarded to moto).
        ssm: motoClientOptions(world.standIn.url),
        slack: sinkSlackClient(slack),
        write: (line) => logLines.push(line),
        aws: motoClientOptions(moto.url),
        now: () => now,
        deadlineMs: 20_000,
      });
      return notifiedAlarmsHandler(runtime, motoClientOptions(moto.url));
    }

    const run = (event: unknown, now: string): Promise<FlowDecision[]> => handlerAt(new Date(now))(event);
    const posts = () => slack.calls.filter((c) => c.method === "chat.postMessage");
    const postText = (i: number) => JSON.stringify(posts().at(i)?.body ?? {});
    const ids = () => world.members.map((m) => m.instanceId);

    /** What a new visitor (no cookie) and an admitted one see on every instance. */
    async function served() {
      return Promise.all(
        world.members.map(async (m) => {
          const newUser = await httpGet(`${m.haproxy.frontendUrl}/products`);
          const admitted = await httpGet(`${m.haproxy.frontendUrl}/products`, {
            cookie: `${m.haproxy.cookieName}=1`,
          });
          return { id: m.instanceId, newUser, admitted };
        }),
      );
    }

    beforeAll(async () => {
      [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
      world = await startFleetWorld({
        motoUrl: moto.url,
        // RunInstances is not idempotent: seeding waits as long as a loaded moto needs instead of timing
        // out and retrying (each retry would launch the fleet again).
        ec2: new EC2Client(motoClientOptions(moto.url)),
        tag: { key: "Role", value: "haproxy-web" },
        size: FLEET_SIZE,
        bystanders: 1,
        documentName: DOCUMENT,
        deliveryTimeoutMs: 1_500,
        // Right after SendCommand nothing is listed: the poller must read that as "not yet".
        invocationVisibleAfterMs: 300,
      });
    });

    afterAll(async () => {
      await world?.stop();
      await Promise.all([moto?.stop(), slack?.stop()]);
    });

    it("closes every tagged instance when the engage alarm fires: new users get the sorry page, cookie holders the backend", async () => {
      const [decision, ...rest] = await run(fixture("flow-control-engage-alarm"), "2026-11-02T20:04:36Z");
      expect(rest).toHaveLength(0);
      expect(decision?.outcome).toBe("applied");
      expect(decision?.rule).toBe("engage");
      expect(decision?.after).toEqual({ mode: "closed", admitRate: 0 });
      expect(decision?.observed.instances.map((i) => [i.instanceId, i.status, i.mode, i.changed])).toEqual(
        [...ids()].sort().map((id) => [id, "converged", "closed", true]),
      );

      for (const { id, newUser, admitted } of await served()) {
        expect(newUser.status, id).toBe(503);
        expect(newUser.body).toContain(SORRY_MARKER);
        expect(admitted.status, id).toBe(200);
        expect(admitted.body).toBe(`backend-ok ${id}\n`);
      }

      const commands = world.standIn.commands();
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatchObject({
        documentName: DOCUMENT,
        parameters: { action: ["close"] },
        maxConcurrency: "10",
        maxErrors: "50%",
      });
      expect([...(commands[0]?.instanceIds ?? [])].sort()).toEqual([...ids()].sort());

      // The incident's root (the fleet's state), then the decision with every instance in its thread.
      expect(posts()).toHaveLength(2);
      expect(postText(0)).toContain("flow control ENGAGED");
      expect(posts()[0]?.body.thread_ts).toBeUndefined();
      expect(posts()[1]?.body.thread_ts).toBe(posts()[0]?.ts);
      for (const id of ids()) expect(postText(1)).toContain(id);
    });

    it("changes nothing for a duplicate, an out-of-order or an INSUFFICIENT_DATA notification", async () => {
      const sent = world.standIn.commands().length;
      const [duplicate] = await run(fixture("flow-control-engage-alarm"), "2026-11-02T20:05:00Z");
      expect([duplicate?.rule, duplicate?.outcome]).toEqual(["duplicate", "ignored"]);

      // The alarm's OK from before the engage, delivered late: must not open the gate.
      const late = notification("flow-control-engage-ok", {
        StateChangeTime: "2026-11-02T19:58:00.000+0000",
      });
      const [stale] = await run(late, "2026-11-02T20:06:00Z");
      expect([stale?.rule, stale?.outcome]).toEqual(["stale", "ignored"]);

      const postsBefore = posts().length;
      const [noData] = await run(fixture("flow-control-insufficient-data"), "2026-11-02T20:09:01Z");
      expect([noData?.rule, noData?.outcome]).toEqual(["insufficient-data", "held"]);
      expect(posts()).toHaveLength(postsBefore + 1);
      expect(postText(-1)).toContain("holding closed");

      expect(world.standIn.commands()).toHaveLength(sent);
      for (const { newUser } of await served()) expect(newUser.status).toBe(503);
    });

    it("holds a release until the fleet was engaged long enough, then the scheduled run opens every instance", async () => {
      const early = notification("flow-control-release-alarm", {
        StateChangeTime: "2026-11-02T20:07:30.000+0000",
      });
      const [held] = await run(early, "2026-11-02T20:07:31Z");
      expect([held?.rule, held?.outcome, held?.severity]).toEqual(["min-engaged-time", "held", "warn"]);
      expect(held?.guards[0]).toMatchObject({ name: "min-engaged-time", verdict: "blocked" });
      const sent = world.standIn.commands().length;
      for (const { newUser } of await served()) expect(newUser.status).toBe(503);

      // Still too early: the run re-sends close, every instance already serves it, Slack stays quiet.
      const quiet = posts().length;
      const [converge] = await run(scheduled, "2026-11-02T20:10:00Z");
      expect([converge?.rule, converge?.outcome]).toEqual(["converge", "unchanged"]);
      expect(converge?.observed.instances.every((i) => i.status === "converged" && i.changed === false)).toBe(
        true,
      );
      expect(posts()).toHaveLength(quiet);

      const [release] = await run(scheduled, "2026-11-02T20:15:00Z");
      expect([release?.rule, release?.outcome]).toEqual(["release", "applied"]);
      expect(release?.after).toEqual({ mode: "open", admitRate: 0 });
      expect(
        world.standIn
          .commands()
          .slice(sent)
          .map((c) => c.parameters.action),
      ).toEqual([["close"], ["open"]]);
      for (const { id, newUser } of await served()) {
        expect(newUser.status, id).toBe(200);
        expect(newUser.body).toBe(`backend-ok ${id}\n`);
      }
      expect(postText(-1)).toContain("flow control released");
    });

    it("applies a graded level: the queue alarm admits 20 new users per second on every instance", async () => {
      const queue = notification(
        "flow-control-engage-alarm",
        { AlarmName: "web-queue-depth", StateChangeTime: "2026-11-02T20:20:00.000+0000" },
        "2d0c7a51-93e4-5f0b-8c6e-0a1b2c3d4e5f",
      );
      const [decision] = await run(queue, "2026-11-02T20:20:01Z");
      expect([decision?.rule, decision?.outcome]).toEqual(["admit", "applied"]);
      const statuses = await Promise.all(world.members.map((m) => m.haproxy.status()));
      expect(statuses.map((s) => [s.mode, s.admitRate])).toEqual(world.members.map(() => ["admitting", 20]));
    });

    it("reports an offline and a failing instance as such, loudly, and the next scheduled run converges them", async () => {
      const [offline, failing] = ids();
      if (offline === undefined || failing === undefined) throw new Error("fleet too small");
      world.standIn.setInstanceOnline(offline, false);
      const repair = await world.breakFlowctl(failing);
      const sent = world.standIn.commands().length;

      const again = notification(
        "flow-control-engage-alarm",
        { StateChangeTime: "2026-11-02T20:30:00.000+0000", OldStateValue: "OK" },
        "61f0e2a4-5b7c-5d3e-9a8b-7c6d5e4f3a2b",
      );
      const [partial] = await run(again, "2026-11-02T20:30:01Z");
      expect([partial?.rule, partial?.outcome, partial?.severity]).toEqual(["engage", "failed", "critical"]);
      expect(partial?.error?.name).toBe("FleetPartialFailureError");
      const byId = new Map(partial?.observed.instances.map((i) => [i.instanceId, i]));
      expect(byId.get(offline)).toMatchObject({ status: "undeliverable", attempts: 1 });
      expect(byId.get(offline)?.message).toMatch(/not delivered/);
      expect(byId.get(failing)).toMatchObject({ status: "failed", exitCode: 8, attempts: 2 });
      expect(byId.get(failing)?.message).toMatch(/settings file .* not readable/);
      expect(partial?.observed.counts).toEqual({
        converged: FLEET_SIZE - 2,
        failed: 1,
        undeliverable: 1,
        running: 0,
      });
      // The failed instance alone was retried once; the offline one would only time out again.
      expect(
        world.standIn
          .commands()
          .slice(sent)
          .map((c) => c.instanceIds.length),
      ).toEqual([FLEET_SIZE, 1]);

      const message = postText(-1);
      expect(message).toContain("PARTIAL");
      expect(message).toContain("Undeliverable");
      expect(message).toContain(offline);
      expect(message).toMatch(/settings file/);

      const views = new Map((await served()).map((s) => [s.id, s.newUser.status]));
      expect(views.get(failing)).toBe(200); // still admitting: flowctl never ran there
      for (const id of ids().filter((i) => i !== offline && i !== failing)) expect(views.get(id)).toBe(503);

      world.standIn.setInstanceOnline(offline, true);
      await repair();
      const [converged] = await run(scheduled, "2026-11-02T20:35:00Z");
      expect([converged?.rule, converged?.outcome]).toEqual(["converge", "applied"]);
      const changed = converged?.observed.instances.filter((i) => i.changed).map((i) => i.instanceId);
      expect(changed?.sort()).toEqual([offline, failing].sort());
      for (const { id, newUser } of await served()) expect(newUser.status, id).toBe(503);
      expect(postText(-1)).toContain(`${FLEET_SIZE}/${FLEET_SIZE} instances closed`);
    });

    it("rejects malformed and foreign SNS messages and reports unknown alarms, without sending any command", async () => {
      const sent = world.standIn.commands().length;
      const broken = structuredClone(fixture("flow-control-engage-alarm"));
      broken.Records[0].Sns.Message = '{"AlarmName": "web-overload", "NewStateValue": ';
      await expect(run(broken, "2026-11-02T20:40:00Z")).resolves.toMatchObject(rejectedWith(/not JSON/));
      await expect(run(fixture("non-alarm-message"), "2026-11-02T20:40:00Z")).resolves.toMatchObject(
        rejectedWith(/not a CloudWatch alarm notification/),
      );
      await expect(
        run(notification("flow-control-engage-alarm", { NewStateValue: "PANIC" }), "2026-11-02T20:40:00Z"),
      ).resolves.toMatchObject(rejectedWith(/malformed CloudWatch alarm notification.*NewStateValue/));
      await expect(run({ source: "aws.health" }, "2026-11-02T20:40:00Z")).rejects.toThrow(
        /flow-control takes SNS/,
      );

      const [unknown] = await run(
        notification(
          "flow-control-engage-alarm",
          { AlarmName: "db-cpu-high" },
          "8e1d2c3b-4a5f-5e6d-8c7b-9a0f1e2d3c4b",
        ),
        "2026-11-02T20:40:00Z",
      );
      expect([unknown?.rule, unknown?.outcome, unknown?.severity]).toEqual([
        "unknown-alarm",
        "ignored",
        "warn",
      ]);
      expect(postText(-1)).toContain("db-cpu-high");
      expect(world.standIn.commands()).toHaveLength(sent);
    });

    it("never addressed an instance outside the fleet tag, and never logged the Slack token", () => {
      const addressed = new Set(world.standIn.commands().flatMap((c) => c.instanceIds));
      for (const bystander of world.bystanderIds) expect(addressed.has(bystander)).toBe(false);
      expect([...addressed].sort()).toEqual([...ids()].sort());
      expect(logLines.join("\n")).not.toContain("xoxb-test-token");
    });
  },
);
