import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { FlowControlRuntime } from "../../functions/flow-control/deps";
import { createHandler } from "../../functions/flow-control/handler";
import { alarmsChangedAsNotified, putFleetAlarm } from "../../sandbox/seed/fleet-alarms";
import { type FleetWorld, startFleetWorld } from "../../sandbox/seed/fleet-world";
import type { FlowDecision } from "../../shared/flow-control/domain/flow-control-decision";
import { alarmTime, snsAlarm } from "./events";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";
import type { FaultWorld } from "./fault-setup";
import { motoClientOptions } from "./moto";
import { flowControlRuntime, handlerFor } from "./runtimes";
import { flowControlStage } from "./stages";

const DOCUMENT = "TrafficAutopilot-FlowControl";

/** An alarm notification for the `web-overload` alarm at `at` (ISO, whole seconds), as SNS delivers it. */
export function overloadNotification(state: "ALARM" | "OK", at: string) {
  return snsAlarm("flow-control-engage-alarm", {
    AlarmName: "web-overload",
    NewStateValue: state,
    OldStateValue: state === "ALARM" ? "OK" : "ALARM",
    StateChangeTime: alarmTime(at.replace(/(\.\d+)?Z$/, ".000Z")),
  });
}

export interface FlowControlRig {
  fleet: FleetWorld;
  /** In front of the Run Command stand-in: counts SendCommand and PutParameter. */
  ssmProxy: FaultProxy;
  /**
   * One invocation with its own runtime (no shared caches), at `now`. The notified alarm changes state
   * in moto first, as CloudWatch does before it notifies; `forged: true` leaves CloudWatch as it is.
   */
  run(event: unknown, now: Date, budgetMs?: number, options?: { forged?: boolean }): Promise<FlowDecision[]>;
  modes(): Promise<string[]>;
  stop(): Promise<void>;
}

/** A HAProxy fleet tagged `tagValue`, the Run Command stand-in behind a fault proxy, and the real handler. */
export async function startFlowControlRig(
  world: FaultWorld,
  tagValue: string,
  size = 1,
): Promise<FlowControlRig> {
  const fleet = await startFleetWorld({
    motoUrl: world.moto.url,
    // Seeding waits as long as moto needs: RunInstances is not idempotent, so no timeout-driven retry.
    ec2: new EC2Client(world.direct()),
    tag: { key: "Role", value: tagValue },
    size,
    documentName: DOCUMENT,
    deliveryTimeoutMs: 1_500,
  });
  const ssmProxy = await startFaultProxy({ upstream: fleet.standIn.url, seed: 3 });
  const cloudwatch = new CloudWatchClient(world.direct());
  // The alarm exists before any notification of it, as in an account: runs only change its state.
  await putFleetAlarm(cloudwatch, "web-overload", "OK");
  const stage = flowControlStage({ fleet: tagValue, tag: tagValue, documentName: DOCUMENT });
  return {
    fleet,
    ssmProxy,
    async run(event, now, budgetMs = 20_000, options = {}) {
      if (!options.forged) await alarmsChangedAsNotified(cloudwatch, event, ["web-overload"]);
      const runtime = flowControlRuntime({
        stage,
        ssm: motoClientOptions(ssmProxy.url),
        slack: world.slackClient(),
        aws: world.viaProxy(),
        now: () => now,
        deadlineMs: budgetMs,
      });
      return handlerFor(createHandler, runtime)(event);
    },
    modes: async () => (await Promise.all(fleet.members.map((m) => m.haproxy.status()))).map((s) => s.mode),
    async stop() {
      cloudwatch.destroy();
      await ssmProxy.stop();
      await fleet.stop();
    },
  };
}

/**
 * The real flow-control handler on `runtime`; before each event, the alarms it notifies change state in
 * moto (reached with `aws`, never faulted), as CloudWatch changes an alarm before it notifies.
 */
export function notifiedAlarmsHandler(
  runtime: FlowControlRuntime,
  aws: ReturnType<typeof motoClientOptions>,
): (event: unknown) => Promise<FlowDecision[]> {
  const handler = handlerFor(createHandler, runtime);
  const names = runtime.config.fleets.flatMap((f) => f.alarms.map((a) => a.alarmName));
  return async (event) => {
    const cloudwatch = new CloudWatchClient(aws);
    try {
      await alarmsChangedAsNotified(cloudwatch, event, names);
    } finally {
      cloudwatch.destroy();
    }
    return handler(event);
  };
}
