import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BalancerDecision } from "../../../shared/origin-balancer/domain/balancer-decision";
import { spikingPool } from "../../support/balancer-setup";
import { delay, reset, status, throttle } from "../../support/fault-proxy";
import {
  abandonedCallsSettled,
  type FaultWorld,
  SLACK_OUTAGE_BUDGET_MS,
  startFaultWorld,
  timed,
} from "../../support/fault-setup";
import { motoOrSkip } from "../../support/moto";

const hasMoto = motoOrSkip();
const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);

describe.skipIf(!hasMoto)("origin balancer under injected AWS and Slack faults", () => {
  let world: FaultWorld;
  let count = 0;

  beforeAll(async () => {
    world = await startFaultWorld();
  });
  afterEach(() => world.clearFaults());
  afterAll(async () => {
    await world?.stop();
  });

  function expectApplied(decision: BalancerDecision, weights: Record<string, number | undefined>) {
    expect(decision.outcome).toBe("applied");
    expect(decision.rule).toBe("offload");
    expect(weights).toEqual(decision.after.weights);
    expect(weights.primary).toBeLessThan(254);
  }

  it.each([
    ["Throttling", throttle("Throttling"), 2],
    ["PriorRequestNotComplete", throttle("PriorRequestNotComplete"), 4],
    ["HTTP 503", status(503), 2],
  ])(
    "completes the Route 53 change through %s on ChangeResourceRecordSets, and reads it back",
    async (_, fault, times) => {
      const pool = await spikingPool(world, `f${++count}`, now);
      world.aws.inject({ operation: "ChangeResourceRecordSets", fault, times });
      const before = world.aws.requests("ChangeResourceRecordSets");
      const decision = await pool.run();
      expectApplied(decision, await pool.weights());
      expect(world.aws.faults("ChangeResourceRecordSets")).toBeGreaterThanOrEqual(times);
      // Every fault was retried, and nothing more: one accepted change.
      expect(world.aws.requests("ChangeResourceRecordSets") - before).toBe(times + 1);
    },
  );

  it("stores its state through throttled PutParameter calls", async () => {
    const pool = await spikingPool(world, `f${++count}`, now);
    world.aws.inject({ operation: "PutParameter", fault: throttle("ThrottlingException"), times: 2 });
    const decision = await pool.run();
    expectApplied(decision, await pool.weights());
    // One accepted write: the zone's state document after the change (the run lease is a key of its own).
    expect(await pool.stateVersion()).toBe(1);
  });

  it.each([
    ["a connection reset after Route 53 took the change", reset("after")],
    ["a reply delayed past the client timeout", delay(20_000, "after")],
  ])(
    "survives %s: the UPSERT is retried, which is harmless",
    async (_, fault) => {
      const pool = await spikingPool(world, `f${++count}`, now);
      world.aws.inject({ operation: "ChangeResourceRecordSets", fault, times: 1 });
      const decision = await pool.run();
      expectApplied(decision, await pool.weights());
    },
    20_000,
  );

  it("fails safe when throttling outlasts the deadline, names the error, and the next run converges", async () => {
    const pool = await spikingPool(world, `f${++count}`, now);
    const before = await pool.weights();
    world.aws.inject({ operation: "ChangeResourceRecordSets", fault: throttle("Throttling") });
    const { value: failed, ms } = await timed(() => pool.run(2_000));
    expect(failed.outcome).toBe("failed");
    expect(failed.severity).toBe("critical");
    expect(failed.error?.name).toBe("TransientAwsError");
    expect(failed.error?.message).toMatch(/Route 53 change in .*(still failing after retries|deadline)/);
    expect(failed.error?.cause ?? failed.error?.message).toMatch(/Throttling|Rate exceeded|deadline/);
    // Bounded by the deadline (2 s) plus at most one request timeout, never by the retry count.
    expect(ms).toBeLessThan(2_000 + 5_500);
    expect(await pool.weights()).toEqual(before);
    // Nothing stored: no cooldown starts for a change that never happened.
    expect(await pool.stateVersion()).toBeUndefined();
    expect(JSON.stringify(world.sink.calls.at(-1)?.body)).toMatch(/TransientAwsError|Route 53/);

    await abandonedCallsSettled(() => world.aws.requests("ChangeResourceRecordSets"));
    world.clearFaults();
    const converged = await pool.run();
    expectApplied(converged, await pool.weights());
  }, 40_000);

  it("applies the change during a Slack outage (429, 500, no answer) within the Slack timeout budget, never reversing it", async () => {
    const baseline = await spikingPool(world, `f${++count}`, now);
    const { ms: normal } = await timed(() => baseline.run());
    const cases = [status(429, 30), status(500), delay(60_000)];
    for (const fault of cases) {
      const pool = await spikingPool(world, `f${++count}`, now);
      const posted = world.sink.calls.length;
      world.slack.inject({ operation: "chat.postMessage", fault });
      const { value: decision, ms } = await timed(() => pool.run());
      world.clearFaults();
      expectApplied(decision, await pool.weights());
      expect(ms - normal, `${fault.kind} added ${ms - normal} ms`).toBeLessThan(SLACK_OUTAGE_BUDGET_MS);
      expect(world.sink.calls.length).toBe(posted);
      // Not reversed: the next run sees the change in force and leaves it.
      const after = await pool.weights();
      const next = await pool.run();
      expect(["unchanged", "held"]).toContain(next.outcome);
      expect(await pool.weights()).toEqual(after);
      console.info(`balancer: slack ${JSON.stringify(fault)} run ${ms} ms vs ${normal} ms without faults`);
    }
  }, 60_000);
});
