import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, startMoto } from "../../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../../sandbox/servers/slack-sink";
import type { PendingWeightPlan } from "../../../shared/origin-balancer/domain/pending-weight-plan";
import { startBalancerWorld } from "../../support/balancer-world";
import { motoOrSkip } from "../../support/moto";

const hasMoto = motoOrSkip();
const MINUTE = 60_000;

describe.skipIf(!hasMoto)("the origin balancer in plan mode, approved through the override function", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let world: Awaited<ReturnType<typeof startBalancerWorld>>;
  const t0 = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 45 * MINUTE);
  const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
  const posts = () =>
    slack.calls.filter((c) => c.method === "chat.postMessage").map((c) => String(c.body.text));
  const approve = (minute: number, planId: string) =>
    world.override(at(minute), { action: "approve", planId, author: "alice", reason: "sale traffic, go" });
  const planIdIn = (headline = "") => /plan (plan-[0-9a-f]{8}) stored/.exec(headline)?.[1] ?? "";

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    world = await startBalancerWorld(moto, slack, t0, "plan");
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  it("stores and posts the plan once, changes nothing, and applies it after approval", async () => {
    const [planned] = await world.balance(at(0));
    expect(planned?.outcome).toBe("planned");
    expect(planned?.headline).toMatch(/plan plan-[0-9a-f]{8} stored: approve with `autopilot approve/);
    const id = planIdIn(planned?.headline);
    const postsAfterPlan = posts().length;
    const [kept] = await world.balance(at(1));
    expect(kept?.outcome).toBe("planned");
    expect(kept?.headline).toContain(`plan ${id} awaits approval`);
    expect(posts().length).toBe(postsAfterPlan);
    expect(await world.weights()).toEqual({ primary: 254, elastic: 1 });

    const approval = await approve(2, id);
    expect(approval.accepted).toBe(true);
    const proposed = (approval.plan as PendingWeightPlan).proposed;
    const [executed] = await world.balance(at(2));
    expect(executed?.outcome).toBe("applied");
    expect(executed?.headline).toContain(`plan ${id} approved by alice`);
    expect(await world.weights()).toEqual(proposed);
    // An applied plan can never run twice.
    expect((await approve(3, id)).refusal).toContain("is applied, not pending");
  });

  it("refuses a plan approved after the world changed, and plans again from the new weights", async () => {
    await world.setWeights({ primary: 254, elastic: 1 });
    const [planned] = await world.balance(at(4));
    const id = planIdIn(planned?.headline);
    expect(id).not.toBe("");
    // Someone moves the weights by hand before the approval arrives.
    await world.setWeights({ primary: 240, elastic: 15 });
    expect((await approve(5, id)).accepted).toBe(true);
    const [refused] = await world.balance(at(5));
    expect(refused?.outcome).toBe("planned");
    expect(refused?.headline).toContain(
      `approved plan ${id} was not applied: the weights changed since it was made`,
    );
    expect(await world.weights()).toEqual({ primary: 240, elastic: 15 });
    expect(planIdIn(refused?.headline)).not.toBe(id);
  });

  it("rejects a pending plan on request; it can then no longer be approved", async () => {
    const [current] = await world.balance(at(7));
    const id = /plan (plan-[0-9a-f]{8})/.exec(current?.headline ?? "")?.[1] as string;
    const rejected = await world.override(at(7), {
      action: "reject",
      planId: id,
      author: "bob",
      reason: "not during the sale",
    });
    expect(rejected.accepted).toBe(true);
    expect(rejected.plan).toMatchObject({
      status: "superseded",
      note: "rejected by bob: not during the sale",
    });
    expect((await approve(8, id)).refusal).toBe(`plan ${id} is superseded, not pending`);
    expect(
      (await world.override(at(8), { action: "reject", planId: id, author: "bob", reason: "again" })).refusal,
    ).toBe(`plan ${id} is superseded, nothing to reject`);
    expect(await world.weights()).toEqual({ primary: 240, elastic: 15 });
  });

  it("never applies an expired plan: the approval is refused, and a late approval does not run", async () => {
    const [current] = await world.balance(at(6));
    const id =
      planIdIn(current?.headline) || /plan (plan-[0-9a-f]{8}) awaits/.exec(current?.headline ?? "")?.[1];
    expect(id).toBeDefined();
    // planExpiryMinutes is 20: the plan made at minute 5 is gone at minute 26.
    const late = await approve(26, id as string);
    expect(late.accepted).toBe(false);
    expect(late.refusal).toMatch(/expired at/);
    const [after] = await world.balance(at(26));
    expect(after?.outcome).toBe("planned");
    expect(await world.weights()).toEqual({ primary: 240, elastic: 15 });
  });
});
