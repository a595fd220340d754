import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spikingPool } from "../support/balancer-setup";
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

describe.skipIf(!hasMoto || noHaproxy)("two invocations on the same target at the same moment", () => {
  let world: FaultWorld;
  let rig: FlowControlRig;

  beforeAll(async () => {
    world = await startFaultWorld();
    rig = await startFlowControlRig(world, "haproxy-race");
  });
  afterAll(async () => {
    await rig?.stop();
    await world?.stop();
  });

  it("flow control: one claims the intent and acts, the other re-plans on the stored claim and holds", async () => {
    const at = new Date(Date.UTC(2026, 10, 2, 22, 0));
    const event = overloadNotification("ALARM", at.toISOString());
    const before = rig.ssmProxy.requests("SendCommand");
    const [[a], [b]] = await Promise.all([rig.run(event, at), rig.run(event, at)]);
    const rules = [a?.rule, b?.rule].sort();
    expect(rules).toEqual(["duplicate", "engage"]);
    expect(rig.ssmProxy.requests("SendCommand") - before).toBe(1);
    expect(await rig.modes()).toEqual(["closed"]);
  });

  it("origin balancer: one changes Route 53, the other does not, and the state version moves by one per accepted write", async () => {
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const pool = await spikingPool(world, "race1", now);
    const before = world.aws.requests("ChangeResourceRecordSets");
    const versionBefore = (await pool.stateVersion()) ?? 0;
    const decisions = await Promise.all([pool.run(), pool.run()]);
    const outcomes = decisions.map((d) => d.outcome).sort();
    console.info(`balancer race: ${JSON.stringify(decisions.map((d) => [d.outcome, d.rule, d.error]))}`);
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(world.aws.requests("ChangeResourceRecordSets") - before).toBe(1);
    const loser = decisions.find((d) => d.outcome !== "applied");
    expect(JSON.stringify(loser)).toMatch(/ConflictError|another invocation|changed while/);
    // The winner writes its zone's state document once; the loser writes nothing.
    expect(await pool.stateVersion()).toBe(versionBefore + 1);
  });
});
