import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsmClient } from "../../../shared/adapters/aws/clients/ssm";
import { rotationPair } from "../../support/cert-setup";
import { type FaultWorld, startFaultWorld } from "../../support/fault-setup";
import { motoOrSkip } from "../../support/moto";
import { overrideCaller } from "../../support/override-rig";

const hasMoto = motoOrSkip();

describe.skipIf(!hasMoto)("an operator pausing certificate rotation, on moto", () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await startFaultWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("holds a wanted rotation while paused, and rotates on the first run after the pause is cleared", async () => {
    const pair = await rotationPair(world, "po1");
    const override = overrideCaller({
      config: pair.config,
      ssm: createSsmClient(world.direct()),
      slack: world.slackClient(),
    });
    const paused = await override(new Date(), {
      action: "pause",
      automation: "cert-rotation",
      target: "po1",
      expiresInMinutes: 60,
    });
    expect(paused.accepted).toBe(true);

    const held = await pair.run(pair.event);
    expect([held.rule, held.outcome]).toEqual(["override-pause", "held"]);
    expect(held.override).toMatchObject({ kind: "pause", author: "alice" });
    expect(held.headline).toContain("paused by alice");
    expect(await pair.served()).toEqual({
      dnsOnB: false,
      certificateOnB: expect.not.stringMatching(pair.next),
    });

    const resumed = await override(new Date(), {
      action: "resume",
      automation: "cert-rotation",
      target: "po1",
    });
    expect(resumed.accepted).toBe(true);
    const rotated = await pair.run(pair.event);
    expect([rotated.rule, rotated.outcome]).toEqual(["rotate", "applied"]);
    expect(rotated.headline).toContain("cleared by alice, automation resumed");
    expect(await pair.served()).toEqual({ dnsOnB: true, certificateOnB: pair.next });
  });
});
