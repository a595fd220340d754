import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setAlarmState } from "../../sandbox/seed/canary-world";
import { putFleetAlarm } from "../../sandbox/seed/fleet-alarms";
import { alarmTime, snsAlarm } from "../support/events";
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

/**
 * Flow control acts on the alarm state CloudWatch reports, not on what a message on the alarm topic
 * says: moto holds the alarms, the Run Command stand-in runs our document on real HAProxy instances.
 */
describe.skipIf(!hasMoto || noHaproxy)(
  "alarm states confirmed with DescribeAlarms (moto, real HAProxy)",
  () => {
    let world: FaultWorld;
    let rig: FlowControlRig;
    let cloudwatch: CloudWatchClient;

    beforeAll(async () => {
      world = await startFaultWorld(21);
      rig = await startFlowControlRig(world, "haproxy-confirmed", 2);
      cloudwatch = new CloudWatchClient(world.direct());
      await putFleetAlarm(cloudwatch, "web-overload");
    }, 120_000);

    afterAll(async () => {
      cloudwatch?.destroy();
      await rig?.stop();
      await world?.stop();
    });

    beforeEach(() => world.sink.calls.splice(0));

    it("sends nothing for a forged ALARM while the real alarm is OK, and the decision says why", async () => {
      await setAlarmState(cloudwatch, "web-overload", "OK", "CPU 20% < 80%");
      const sendsBefore = rig.ssmProxy.requests("SendCommand");
      const describesBefore = world.aws.requests("DescribeAlarms");
      const [decision] = await rig.run(overloadNotification("ALARM", at(1).toISOString()), at(1), undefined, {
        forged: true,
      });
      expect(rig.ssmProxy.requests("SendCommand")).toBe(sendsBefore);
      expect(world.aws.requests("DescribeAlarms") - describesBefore).toBe(1);
      expect([decision?.rule, decision?.outcome]).toEqual(["unconfirmed", "ignored"]);
      expect(decision?.guards[0]?.detail).toMatch(/^DescribeAlarms says web-overload is OK .*not ALARM$/);
      expect(await rig.modes()).toEqual(["open", "open"]);
      const posted = JSON.stringify(world.sink.calls.map((c) => c.body));
      expect(posted).toContain("DescribeAlarms says web-overload is OK");
    });

    it("posts an unknown alarm named to ping everyone with its name escaped, in text and blocks", async () => {
      const hostile = "x <!channel> <!here> <@U123> <https://x|y>";
      const event = snsAlarm("flow-control-engage-alarm", {
        AlarmName: hostile,
        NewStateValue: "ALARM",
        OldStateValue: "OK",
        NewStateReason: "<!channel> click <https://evil|here>",
        StateChangeTime: alarmTime(
          at(2)
            .toISOString()
            .replace(/(\.\d+)?Z$/, ".000Z"),
        ),
      });
      const [decision] = await rig.run(event, at(2), undefined, { forged: true });
      expect(decision?.rule).toBe("unknown-alarm");
      const [post] = world.sink.calls.filter((c) => c.method === "chat.postMessage");
      const wire = JSON.stringify(post?.body ?? {});
      expect(wire).toContain("x &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://x|y&gt;");
      expect(wire).toContain("&lt;!channel&gt; click &lt;https://evil|here&gt;");
      expect(wire).not.toMatch(/<!channel>|<!here>|<@U123>|<https:/);
    });

    it("closes the fleet at the next scheduled run when an ALARM's notification never arrived", async () => {
      await setAlarmState(cloudwatch, "web-overload", "ALARM", "CPU 93% > 80% for 3 datapoints");
      // No notification: only the schedule runs.
      const [decision] = await rig.run(schedule(5), new Date());
      expect([decision?.rule, decision?.outcome, decision?.after.mode]).toEqual([
        "engage",
        "applied",
        "closed",
      ]);
      expect(decision?.observed.signal?.reason).toMatch(/no notification of it was handled.*CPU 93%/);
      expect(await rig.modes()).toEqual(["closed", "closed"]);
    });
  },
);
