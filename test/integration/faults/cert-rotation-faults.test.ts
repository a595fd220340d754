import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rotationPair, scheduledEvent } from "../../support/cert-setup";
import { delay, status, throttle } from "../../support/fault-proxy";
import {
  abandonedCallsSettled,
  type FaultWorld,
  SLACK_OUTAGE_BUDGET_MS,
  startFaultWorld,
  timed,
} from "../../support/fault-setup";
import { motoOrSkip } from "../../support/moto";

const hasMoto = motoOrSkip();

describe.skipIf(!hasMoto)("certificate rotation under injected AWS and Slack faults", () => {
  let world: FaultWorld;
  let count = 0;

  beforeAll(async () => {
    world = await startFaultWorld();
  });
  afterEach(() => world.clearFaults());
  afterAll(async () => {
    await world?.stop();
  });

  it.each([
    ["Throttling", "ModifyListener", throttle("Throttling"), 2],
    ["HTTP 503", "AddTags", status(503), 2],
    ["PriorRequestNotComplete", "ChangeResourceRecordSets", throttle("PriorRequestNotComplete"), 3],
  ])("rotates through %s on %s and reads every step back", async (_, operation, fault, times) => {
    const p = await rotationPair(world, `cf${++count}`);
    world.aws.inject({ operation, fault, times });
    const decision = await p.run(p.event);
    expect([decision.rule, decision.outcome]).toEqual(["rotate", "applied"]);
    expect(await p.served()).toEqual({ dnsOnB: true, certificateOnB: p.next });
    expect(world.aws.faults(operation)).toBeGreaterThanOrEqual(times);
  });

  it("fails safe when the DNS change keeps failing past the deadline, and the scheduled run finishes the rotation", async () => {
    const p = await rotationPair(world, `cf${++count}`);
    world.aws.inject({ operation: "ChangeResourceRecordSets", fault: status(503) });
    const { value: failed, ms } = await timed(() => p.run(p.event, 3_000));
    expect(failed.outcome).toBe("failed");
    expect(failed.error?.name).toBe("TransientAwsError");
    expect(failed.error?.message).toMatch(/Route 53/);
    expect(ms).toBeLessThan(3_000 + 5_500);
    // Devices still reach the old green ALB, whose certificate is valid: nothing is half-served.
    expect((await p.served()).dnsOnB).toBe(false);

    await abandonedCallsSettled(() => world.aws.requests("ChangeResourceRecordSets"));
    world.clearFaults();
    const finished = await p.run(scheduledEvent);
    expect([finished.rule, finished.outcome]).toEqual(["finish-rotation", "applied"]);
    expect(await p.served()).toEqual({ dnsOnB: true, certificateOnB: p.next });
  }, 40_000);

  it("rotates during a Slack outage (429, 500, no answer) within the Slack timeout budget", async () => {
    const baseline = await rotationPair(world, `cf${++count}`);
    const { ms: normal } = await timed(() => baseline.run(baseline.event));
    for (const fault of [status(429, 30), status(500), delay(60_000)]) {
      const p = await rotationPair(world, `cf${++count}`);
      world.slack.inject({ operation: (i) => i.protocol === "slack", fault });
      const { value: decision, ms } = await timed(() => p.run(p.event));
      world.clearFaults();
      expect([decision.rule, decision.outcome]).toEqual(["rotate", "applied"]);
      expect(await p.served()).toEqual({ dnsOnB: true, certificateOnB: p.next });
      expect(ms - normal).toBeLessThan(SLACK_OUTAGE_BUDGET_MS);
      // Not reversed: the same event again changes nothing.
      expect((await p.run(p.event)).outcome).toBe("unchanged");
      console.info(
        `cert rotation: slack ${JSON.stringify(fault)} run ${ms} ms vs ${normal} ms without faults`,
      );
    }
  }, 90_000);
});
