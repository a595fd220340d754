import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSsmClient } from "../../../shared/adapters/aws/clients/ssm";
import { parseStageConfig } from "../../../shared/config/stage-config";
import type { FlowDecision } from "../../../shared/flow-control/domain/flow-control-decision";
import { type FaultWorld, startFaultWorld } from "../../support/fault-setup";
import {
  type FlowControlRig,
  overloadNotification,
  startFlowControlRig,
} from "../../support/flow-control-setup";
import { skipHaproxyTests } from "../../support/haproxy-instance";
import { motoOrSkip } from "../../support/moto";
import { overrideCaller } from "../../support/override-rig";

const hasMoto = motoOrSkip();
const noHaproxy = skipHaproxyTests();
const FLEET = "haproxy-override";
const at = (minute: number) => new Date(Date.UTC(2026, 11, 2, 20, minute));
const schedule = (minute: number) => ({
  version: "0",
  id: `schedule-${minute}`,
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: at(minute)
    .toISOString()
    .replace(/\.\d+Z$/, "Z"),
  region: "eu-west-1",
  resources: ["arn:aws:events:eu-west-1:123456789012:rule/traffic-autopilot-test-flow-control"],
  detail: {},
});

describe.skipIf(!hasMoto || noHaproxy)(
  "operators forcing and pausing flow control, on moto and HAProxy",
  () => {
    let world: FaultWorld;
    let rig: FlowControlRig;
    const override = (minute: number, payload: Record<string, unknown>) =>
      overrideCaller({
        config: parseStageConfig(
          `
stage: test
region: eu-west-1
parameterPrefix: /traffic-autopilot/test
slack: { channel: "#traffic", tokenParameter: /traffic-autopilot/test/slack-token }
flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms]
  documentName: TrafficAutopilot-FlowControl
  fleets:
    - name: ${FLEET}
      tag: { key: Role, value: ${FLEET} }
      alarms: [{ alarmName: web-overload, onAlarm: close, onOk: open }]
`,
          "test.yml",
        ),
        ssm: createSsmClient(world.direct()),
        slack: world.slackClient(),
        // The flow-control function of the same stage, in-process: what a Lambda invoke would reach.
        invoker: { invoke: (_automation, event) => rig.run(event, at(minute)) },
      })(at(minute), payload);
    const alarm = (state: "ALARM" | "OK", minute: number) =>
      rig.run(overloadNotification(state, at(minute).toISOString()), at(minute));

    beforeAll(async () => {
      world = await startFaultWorld();
      rig = await startFlowControlRig(world, FLEET, 2);
    });
    afterAll(async () => {
      await rig?.stop();
      await world?.stop();
    });

    it("serves a forced mode at once, whatever the alarms say, and hands back on clear", async () => {
      await alarm("ALARM", 0);
      expect(await rig.modes()).toEqual(["closed", "closed"]);

      const forced = await override(1, { action: "force", fleet: FLEET, mode: "open", expiresInMinutes: 30 });
      expect(forced.accepted).toBe(true);
      const [converged] = forced.result as FlowDecision[];
      expect(converged?.rule).toBe("override-force");
      expect(converged?.override).toMatchObject({ kind: "force", author: "alice" });
      expect(await rig.modes()).toEqual(["open", "open"]);

      // The alarm flaps while the operator holds the wheel: tracked, not served.
      await alarm("OK", 3);
      const [during] = await alarm("ALARM", 5);
      expect(during?.rule).toBe("override-force");
      expect(during?.headline).toContain("forced by alice");
      expect(await rig.modes()).toEqual(["open", "open"]);

      const cleared = await override(8, { action: "clear", automation: "flow-control", target: FLEET });
      expect(cleared.accepted).toBe(true);
      const [resumed] = cleared.result as FlowDecision[];
      expect(resumed?.headline).toContain("cleared by alice, automation resumed");
      // The alarms' latest word was ALARM: the fleet goes back to closed.
      expect(await rig.modes()).toEqual(["closed", "closed"]);
    });

    it("sends nothing while paused, then applies what the alarms said on the first run after expiry", async () => {
      const paused = await override(10, { action: "pause", automation: "flow-control", expiresInMinutes: 5 });
      expect(paused.accepted).toBe(true);
      const [held] = await alarm("OK", 11);
      expect(held?.rule).toBe("override-pause");
      expect(held?.outcome).toBe("held");
      expect(await rig.modes()).toEqual(["closed", "closed"]);

      const [after] = await rig.run(schedule(16), at(16));
      expect(after?.headline).toContain("expired at");
      expect(after?.headline).toContain("automation resumed");
      expect(await rig.modes()).toEqual(["open", "open"]);
    });
  },
);
