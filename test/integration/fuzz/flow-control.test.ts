import { readFileSync } from "node:fs";
import path from "node:path";
import { CreateDocumentCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../../functions/flow-control/handler";
import { putFleetAlarm } from "../../../sandbox/seed/fleet-alarms";
import { launchInstances } from "../../../sandbox/seed/fleet-world";
import { createCloudWatchClient } from "../../../shared/adapters/aws/clients/cloudwatch";
import { createEc2Client } from "../../../shared/adapters/aws/clients/ec2";
import { createSsmClient } from "../../../shared/adapters/aws/clients/ssm";
import { rejectedWith } from "../../support/events";
import { motoOrSkip } from "../../support/moto";
import { snapshotDifferences, snapshotMoto } from "../../support/moto-state";
import { flowControlRuntime, handlerFor } from "../../support/runtimes";
import { flowControlStage, GRADED_ALARMS } from "../../support/stages";
import {
  capturingStdout,
  expectWorldUnchanged,
  type FuzzServers,
  fixture,
  PREFIX,
  startFuzzServers,
  takeBefore,
  type WorldBefore,
} from "./fuzz-world";
import { hostileAlarmEvents, unmappedAlarmNames } from "./sns-alarm-cases";
import { assertHarmless, expectPrototypesClean, RUNS, Tally } from "./verdict";

const hasMoto = motoOrSkip();
const DOCUMENT = "TrafficAutopilot-FlowControl";
/** The alarms' own time: the fixtures say 20:04:31; the function's clock reads a few seconds later. */
const NOW = new Date("2026-11-02T20:04:36Z");
const ALARMS = ["web-overload", "web-overload-cleared", "web-queue-depth"];
// EC2 (the fleet) and SSM (document, commands, state parameters) are all flow control could change.
const SERVICES = ["ec2", "ssm"];

const STAGE = flowControlStage({
  prefix: PREFIX,
  documentName: DOCUMENT,
  minEngagedMinutes: 10,
  alarms: GRADED_ALARMS,
});

describe.skipIf(!hasMoto)("flow control on hostile SNS input, against a seeded moto", () => {
  let servers: FuzzServers;
  let before: WorldBefore;
  let handler: (event: unknown) => Promise<unknown>;
  const tally = new Tally();

  beforeAll(async () => {
    servers = await startFuzzServers();
    const ec2 = createEc2Client(servers.options);
    const ssm = createSsmClient(servers.options);
    // The world the integration test seeds: a tagged fleet, a bystander, our document. A wrongly
    // accepted alarm would store a fleet state and send a command: both show in moto's state.
    await launchInstances(ec2, 3, { Role: "haproxy-web", Service: "web" });
    await launchInstances(ec2, 1, { Role: "haproxy-web-other" });
    await ssm.send(
      new CreateDocumentCommand({
        Name: DOCUMENT,
        DocumentType: "Command",
        DocumentFormat: "YAML",
        Content: readFileSync(
          path.resolve(__dirname, "../../../infra/ssm-documents/flow-control.yml"),
          "utf8",
        ),
      }),
    );
    // The engage alarm really is in ALARM (flow control confirms notifications with DescribeAlarms):
    // what keeps the hostile variants out is their shape, not CloudWatch disagreeing.
    const cloudwatch = createCloudWatchClient(servers.options);
    await putFleetAlarm(cloudwatch, "web-overload", "ALARM").finally(() => cloudwatch.destroy());
    const runtime = flowControlRuntime({
      base: servers.base(STAGE),
      aws: servers.options,
      now: () => NOW,
      deadlineMs: 20_000,
    });
    handler = handlerFor(createHandler, runtime);
    before = await takeBefore(servers, SERVICES);
  });

  afterAll(async () => {
    await servers?.stop();
  });

  const fixtures = [
    "sns/flow-control-engage-alarm.json",
    "sns/flow-control-release-alarm.json",
    "sns/flow-control-engage-ok.json",
    "sns/cloudwatch-alarm-in-alarm.json",
  ].map(fixture);

  it(`rejects or ignores ${RUNS} mutated alarm notifications and random JSON, and moto stays byte-for-byte the same`, async () => {
    const stdout = await capturingStdout(() =>
      assertHarmless(
        hostileAlarmEvents(fixtures, { alarmNames: unmappedAlarmNames(ALARMS), farTimes: true }),
        handler,
        { tally },
      ),
    );
    console.info(`flow-control SNS: ${tally.total()} inputs: ${tally}`);
    expect(tally.total()).toBeGreaterThanOrEqual(RUNS);
    expect(tally.counts.get("ignored") ?? 0).toBeGreaterThan(0);
    await expectWorldUnchanged(servers, SERVICES, before, tally, stdout);
    expectPrototypesClean();
  });

  /** The engage fixture with its alarm message patched (a clone: the fixture stays as AWS sends it). */
  const engageAt = (time: string) => {
    const event = structuredClone(fixtures[0]) as { Records: { Sns: { Message: string } }[] };
    const sns = event.Records[0]?.Sns;
    if (sns) sns.Message = JSON.stringify({ ...JSON.parse(sns.Message), StateChangeTime: time });
    return event;
  };

  it("rejects a StateChangeTime that is no calendar time with an error naming it, not a RangeError", async () => {
    for (const time of ["2026-13-45T25:61:61Z", "2026-02-30T20:04:31.118+0000", "2026-11-02T24:00:00Z"]) {
      await expect(handler(engageAt(time))).resolves.toMatchObject(
        rejectedWith(/StateChangeTime: must be a real date and time of day/),
      );
    }
  });

  it("ignores a well-formed engage alarm dated far from now: it must not set the fleet's intent", async () => {
    for (const time of [
      "9999-12-31T23:59:59.999Z",
      "2026-11-02T20:30:00.000+0000",
      "2026-10-31T20:04:31.118+0000",
    ]) {
      const decisions = (await handler(engageAt(time))) as { rule: string; outcome: string }[];
      expect(
        decisions.map((d) => [d.rule, d.outcome]),
        time,
      ).toEqual([["implausible-time", "ignored"]]);
    }
    expect(snapshotDifferences(before.snapshot, await snapshotMoto(servers.moto.url, SERVICES))).toEqual([]);
  });

  it("is armed: the unmutated engage notification does change moto (a command and a stored fleet state)", async () => {
    const decisions = (await handler(fixture("sns/flow-control-engage-alarm.json"))) as { rule: string }[];
    // moto cannot list command invocations, so the read-back fails; the command was sent all the same.
    expect(decisions.map((d) => d.rule)).toEqual(["engage"]);
    const after = await snapshotMoto(servers.moto.url, SERVICES);
    const changed = snapshotDifferences(before.snapshot, after).map((d) => d.split(" ")[0]);
    expect(changed).toEqual(expect.arrayContaining(["ssm.Command", "ssm.Parameter"]));
  });
});
