import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spikingPool } from "../support/balancer-setup";
import { rotationPair } from "../support/cert-setup";
import { type FaultWorld, startFaultWorld } from "../support/fault-setup";
import {
  type FlowControlRig,
  overloadNotification,
  startFlowControlRig,
} from "../support/flow-control-setup";
import { skipHaproxyTests } from "../support/haproxy-instance";
import { motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();
const noHaproxy = skipHaproxyTests();

describe.skipIf(!hasMoto || noHaproxy)(
  "duplicate and out-of-order deliveries change things exactly once",
  () => {
    let world: FaultWorld;
    let rig: FlowControlRig;

    beforeAll(async () => {
      world = await startFaultWorld();
      rig = await startFlowControlRig(world, "haproxy-dupes");
    });
    afterAll(async () => {
      await rig?.stop();
      await world?.stop();
    });

    it.each([2, 5, 10])(
      "sends one command when the same alarm notification is delivered %i times, some at the same moment",
      async (deliveries) => {
        // A new state change per case: the minute says which.
        const at = new Date(Date.UTC(2026, 10, 2, 20, deliveries));
        const state = (await rig.modes())[0] === "closed" ? "OK" : "ALARM";
        const event = overloadNotification(state, at.toISOString());
        const sent = rig.ssmProxy.requests("SendCommand");
        // The first two arrive together (SNS retried while the first was still running), the rest one by one.
        const together = await Promise.all([rig.run(event, at), rig.run(event, at)]);
        const later = [];
        for (let i = 2; i < deliveries; i++) later.push(await rig.run(event, at));
        const rules = [...together, ...later].map(([d]) => d?.rule);
        expect(rules.filter((r) => r === (state === "ALARM" ? "engage" : "release"))).toHaveLength(1);
        expect(rules.filter((r) => r === "duplicate")).toHaveLength(deliveries - 1);
        expect(rig.ssmProxy.requests("SendCommand") - sent).toBe(1);
        expect(await rig.modes()).toEqual([state === "ALARM" ? "closed" : "open"]);
      },
      30_000,
    );

    it("lets the newer state win when an OK older than the ALARM arrives after it: one change", async () => {
      const alarmAt = new Date(Date.UTC(2026, 10, 2, 21, 0, 30));
      const okAt = new Date(Date.UTC(2026, 10, 2, 21, 0, 10));
      const sent = rig.ssmProxy.requests("SendCommand");
      if ((await rig.modes())[0] === "closed") {
        await rig.run(
          overloadNotification("OK", new Date(Date.UTC(2026, 10, 2, 20, 59)).toISOString()),
          alarmAt,
        );
      }
      const before = rig.ssmProxy.requests("SendCommand");
      const [engage] = await rig.run(overloadNotification("ALARM", alarmAt.toISOString()), alarmAt);
      const [stale] = await rig.run(overloadNotification("OK", okAt.toISOString()), alarmAt);
      expect([engage?.rule, engage?.outcome]).toEqual(["engage", "applied"]);
      expect([stale?.rule, stale?.outcome]).toEqual(["stale", "ignored"]);
      expect(rig.ssmProxy.requests("SendCommand") - before).toBe(1);
      expect(rig.ssmProxy.requests("SendCommand") - sent).toBeLessThanOrEqual(2);
      expect(await rig.modes()).toEqual(["closed"]);
    });

    it("rotates once when the same ACM event is delivered twice", async () => {
      const pair = await rotationPair(world, "dup1");
      const writes = () =>
        world.aws.requests("ModifyListener") + world.aws.requests("ChangeResourceRecordSets");
      const before = writes();
      const first = await pair.run(pair.event);
      const second = await pair.run(pair.event);
      expect([first?.rule, first?.outcome]).toEqual(["rotate", "applied"]);
      expect([second?.rule, second?.outcome]).toEqual(["in-sync", "unchanged"]);
      // One ModifyListener and one DNS change: the second delivery wrote nothing.
      expect(writes() - before).toBe(2);
      expect(await pair.served()).toEqual({ dnsOnB: true, certificateOnB: pair.next });
    });

    it("changes Route 53 once when the balancer's schedule fires twice in the same minute", async () => {
      const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
      const pool = await spikingPool(world, "dup2", now);
      const before = world.aws.requests("ChangeResourceRecordSets");
      const first = await pool.run();
      const weights = await pool.weights();
      const second = await pool.run();
      expect(first.outcome).toBe("applied");
      expect(second.outcome).not.toBe("applied");
      expect(world.aws.requests("ChangeResourceRecordSets") - before).toBe(1);
      expect(await pool.weights()).toEqual(weights);
    });
  },
);
