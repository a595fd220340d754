import { readFileSync } from "node:fs";
import path from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { Context } from "aws-lambda";
import type { FlowControlRuntime } from "../../functions/flow-control/deps";
import { createHandler } from "../../functions/flow-control/handler";
import { type FleetWorld, startFleetWorld } from "../../sandbox/seed/fleet-world";
import { createEc2Client, createSsmClient } from "../../shared/adapters/aws/clients";
import { createEc2FleetInventory } from "../../shared/adapters/aws/ec2-fleet-inventory";
import { createSsmFleetCommands } from "../../shared/adapters/aws/ssm-fleet-commands";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import { parseStageConfig } from "../../shared/config/stage-config";
import type { FlowDecision } from "../../shared/domain/flow-control/flow-control-decision";
import { createLogger } from "../../shared/runtime/logger";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";
import type { FaultWorld } from "./fault-setup";
import { motoClientOptions } from "./moto";

const events = path.resolve(__dirname, "../fixtures/events");
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const DOCUMENT = "TrafficAutopilot-FlowControl";

/** An alarm notification for the `web-overload` alarm at `at` (ISO, whole seconds), as SNS delivers it. */
export function overloadNotification(state: "ALARM" | "OK", at: string) {
  const event = structuredClone(
    JSON.parse(readFileSync(path.join(events, "sns/flow-control-engage-alarm.json"), "utf8")),
  );
  const sns = event.Records[0].Sns;
  sns.Message = JSON.stringify({
    ...JSON.parse(sns.Message),
    AlarmName: "web-overload",
    NewStateValue: state,
    OldStateValue: state === "ALARM" ? "OK" : "ALARM",
    StateChangeTime: at.replace(/(\.\d+)?Z$/, ".000+0000"),
  });
  return event;
}

export interface FlowControlRig {
  fleet: FleetWorld;
  /** In front of the Run Command stand-in: counts SendCommand and PutParameter. */
  ssmProxy: FaultProxy;
  /** One invocation with its own runtime (no shared caches), at `now`. */
  run(event: unknown, now: Date, budgetMs?: number): Promise<FlowDecision[]>;
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
  const stage = `
stage: test
region: eu-west-1
parameterPrefix: /traffic-autopilot/test
slack: { channel: "#traffic", tokenParameter: /traffic-autopilot/test/slack-token }
flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms]
  documentName: ${DOCUMENT}
  commands: { maxConcurrency: "10", maxErrors: "50%", pollIntervalMs: 50 }
  fleets:
    - name: ${tagValue}
      tag: { key: Role, value: ${tagValue} }
      minEngagedMinutes: 0
      alarms:
        - { alarmName: web-overload, onAlarm: close, onOk: open }
`;
  return {
    fleet,
    ssmProxy,
    async run(event, now, budgetMs = 20_000) {
      const config = parseStageConfig(stage, "test.yml");
      const section = config.flowControl;
      if (section === undefined) throw new Error("no flowControl section");
      const ssm = createSsmClient(motoClientOptions(ssmProxy.url));
      const logger = createLogger({ write: () => undefined });
      const notifier = createSlackNotifier(world.slackClient(), "#traffic", logger);
      const deadline = () => new Date(Date.now() + budgetMs);
      const runtime: FlowControlRuntime = {
        config: section,
        base: {
          env: { stage: "test", configFile: "test.yml", logLevel: "info" },
          config,
          logger,
          ssm,
          notifier,
        },
        deps: () => ({
          inventory: createEc2FleetInventory(createEc2Client(world.viaProxy()), { deadline }),
          commands: createSsmFleetCommands(ssm, { ...section.commands, documentName: DOCUMENT, deadline }),
          state: createSsmStateStore(ssm, config.parameterPrefix),
          overrides: createSsmOverrideStore(
            ssm,
            config.parameterPrefix,
            createSsmStateStore(ssm, config.parameterPrefix),
          ),
          notifier,
          logger,
          now: () => now,
          deadline,
        }),
      };
      return createHandler(async () => runtime)(event, context);
    },
    modes: async () => (await Promise.all(fleet.members.map((m) => m.haproxy.status()))).map((s) => s.mode),
    async stop() {
      await ssmProxy.stop();
      await fleet.stop();
    },
  };
}
