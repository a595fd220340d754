import { EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FleetWorld, startFleetWorld } from "../../../sandbox/seed/fleet-world";
import type { FlowDecision } from "../../../shared/flow-control/domain/flow-control-decision";
import { scheduledEvent as scheduled, snsAlarm } from "../../support/events";
import { delay, type FaultProxy, reset, startFaultProxy, status, throttle } from "../../support/fault-proxy";
import { type FaultWorld, SLACK_OUTAGE_BUDGET_MS, startFaultWorld, timed } from "../../support/fault-setup";
import { notifiedAlarmsHandler } from "../../support/flow-control-setup";
import { skipHaproxyTests } from "../../support/haproxy-instance";
import { motoClientOptions, motoOrSkip } from "../../support/moto";
import { flowControlRuntime } from "../../support/runtimes";
import { flowControlStage } from "../../support/stages";

const hasMoto = motoOrSkip();
const noHaproxy = skipHaproxyTests();
const DOCUMENT = "TrafficAutopilot-FlowControl";

/** An alarm notification for one fleet, at its own time (so each case is a new state change). */
function alarm(fleet: string, state: "ALARM" | "OK", at: string) {
  return snsAlarm(
    "flow-control-engage-alarm",
    {
      AlarmName: `${fleet}-overload`,
      NewStateValue: state,
      OldStateValue: state === "ALARM" ? "OK" : "ALARM",
      StateChangeTime: at.replace("Z", ".000+0000"),
    },
    `${fleet}-${state}-${at}`,
  );
}

describe.skipIf(!hasMoto || noHaproxy)("flow control under injected AWS and Slack faults", () => {
  let world: FaultWorld;
  let fleet: FleetWorld;
  /** In front of the Run Command stand-in (which forwards parameters to moto). */
  let ssmProxy: FaultProxy;
  let minute = 0;

  beforeAll(async () => {
    world = await startFaultWorld();
    fleet = await startFleetWorld({
      motoUrl: world.moto.url,
      // Seeding waits as long as moto needs: RunInstances is not idempotent, so no timeout-driven retry.
      ec2: new EC2Client(world.direct()),
      tag: { key: "Role", value: "haproxy-faults" },
      size: 2,
      documentName: DOCUMENT,
      deliveryTimeoutMs: 1_500,
    });
    ssmProxy = await startFaultProxy({ upstream: fleet.standIn.url, seed: 3 });
  });
  afterEach(() => {
    world.clearFaults();
    ssmProxy.clear();
  });
  afterAll(async () => {
    await ssmProxy?.stop();
    await fleet?.stop();
    await world?.stop();
  });

  const stage = flowControlStage({ documentName: DOCUMENT, tag: "haproxy-faults" });

  async function run(event: unknown, budgetMs = 20_000): Promise<FlowDecision> {
    const at = new Date(Date.UTC(2026, 10, 2, 20, minute));
    const runtime = flowControlRuntime({
      stage,
      ssm: motoClientOptions(ssmProxy.url),
      slack: world.slackClient(),
      aws: world.viaProxy(),
      now: () => at,
      deadlineMs: budgetMs,
    });
    const [decision] = await notifiedAlarmsHandler(runtime, world.direct())(event);
    if (decision === undefined) throw new Error("no decision");
    return decision;
  }

  /** The next alarm state change, one minute after the last. */
  const next = (state: "ALARM" | "OK") => {
    minute += 1;
    return alarm("web", state, new Date(Date.UTC(2026, 10, 2, 20, minute)).toISOString().replace(".000", ""));
  };
  const modes = async () =>
    (await Promise.all(fleet.members.map((m) => m.haproxy.status()))).map((s) => s.mode);

  it.each([
    ["throttled", "SendCommand", throttle("ThrottlingException"), 2],
    ["answered 503", "SendCommand", status(503), 2],
    ["throttled", "PutParameter", throttle("ThrottlingException"), 2],
  ])(
    "engages every instance when %s %s calls recover within the retries",
    async (_, operation, fault, times) => {
      const state = (await modes())[0] === "closed" ? "OK" : "ALARM";
      ssmProxy.inject({ operation, fault, times });
      const decision = await run(next(state));
      expect(decision.outcome).toBe("applied");
      expect(ssmProxy.faults(operation)).toBeGreaterThanOrEqual(times);
      expect(await modes()).toEqual(state === "ALARM" ? ["closed", "closed"] : ["open", "open"]);
    },
  );

  it("survives a reset after the command was accepted: the retry re-sends it and flowctl is idempotent", async () => {
    const state = (await modes())[0] === "closed" ? "OK" : "ALARM";
    const sent = fleet.standIn.commands().length;
    ssmProxy.inject({ operation: "SendCommand", fault: reset("after"), times: 1 });
    const decision = await run(next(state));
    expect(decision.outcome).toBe("applied");
    expect(fleet.standIn.commands().length - sent).toBe(2);
    expect(new Set(await modes()).size).toBe(1);
  });

  it("fails safe when SendCommand keeps failing past the deadline, and the scheduled run converges the fleet", async () => {
    const wanted = (await modes())[0] === "closed" ? "open" : "closed";
    ssmProxy.inject({ operation: "SendCommand", fault: status(503) });
    const { value: failed, ms } = await timed(() => run(next(wanted === "closed" ? "ALARM" : "OK"), 3_000));
    expect(failed.outcome).toBe("failed");
    expect(failed.severity).toBe("critical");
    expect(JSON.stringify(failed.observed.instances)).toMatch(
      /SendCommand failed: TransientAwsError: SSM SendCommand (still failing after retries|.*deadline)/,
    );
    expect(ms).toBeLessThan(3_000 + 5_500);
    expect(await modes()).not.toContain(wanted);

    ssmProxy.clear();
    const converged = await run(scheduled);
    expect([converged.rule, converged.outcome]).toEqual(["converge", "applied"]);
    expect(await modes()).toEqual([wanted, wanted]);
  }, 20_000);

  it("applies the change during a Slack outage (429, 500, no answer) within the Slack timeout budget", async () => {
    const { ms: normal } = await timed(async () => {
      const state = (await modes())[0] === "closed" ? "OK" : "ALARM";
      expect((await run(next(state))).outcome).toBe("applied");
    });
    for (const fault of [status(429, 30), status(500), delay(60_000)]) {
      const state = (await modes())[0] === "closed" ? "OK" : "ALARM";
      world.slack.inject({ operation: "chat.postMessage", fault });
      const { value: decision, ms } = await timed(() => run(next(state)));
      world.clearFaults();
      expect(decision.outcome).toBe("applied");
      expect(await modes()).toEqual(state === "ALARM" ? ["closed", "closed"] : ["open", "open"]);
      expect(ms - normal).toBeLessThan(SLACK_OUTAGE_BUDGET_MS);
      // Not reversed: the converge run keeps the same mode.
      expect((await run(scheduled)).after).toEqual(decision.after);
      console.info(
        `flow control: slack ${JSON.stringify(fault)} run ${ms} ms vs ${normal} ms without faults`,
      );
    }
  }, 60_000);
});
