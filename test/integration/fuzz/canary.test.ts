import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../../functions/canary/handler";
import {
  alarmSnsEvent,
  putGateAlarms,
  seedCanaryWorld,
  setAlarmState,
} from "../../../sandbox/seed/canary-world";
import { createCloudWatchClient } from "../../../shared/adapters/aws/clients/cloudwatch";
import { createElbv2Client } from "../../../shared/adapters/aws/clients/elbv2";
import { motoOrSkip } from "../../support/moto";
import { snapshotDifferences, snapshotMoto } from "../../support/moto-state";
import { canaryRuntime, handlerFor } from "../../support/runtimes";
import { hostileCanaryCommands } from "./canary-command-cases";
import { hostileScheduleEvents } from "./eventbridge-cases";
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
import { unicodeString } from "./hostile-values";
import { hostileAlarmEvents, unmappedAlarmNames } from "./sns-alarm-cases";
import { assertHarmless, expectPrototypesClean, RUNS, Tally } from "./verdict";

const hasMoto = motoOrSkip();
const START = new Date("2026-11-02T12:00:00Z");
/** Past the first step's bake time: a wrongly accepted trigger WOULD move the canary to its next step. */
const DUE = new Date(START.getTime() + 15 * 60_000);
const GATES = ["fz-5xx", "fz-p99"];
// The listener rule (weights), the step record (SSM) and the gate alarms are what the canary touches.
const SERVICES = ["elbv2", "ssm", "cloudwatch"];

describe.skipIf(!hasMoto)("canary on hostile alarms, schedules and commands, against a seeded moto", () => {
  let servers: FuzzServers;
  let before: WorldBefore;
  let handler: (event: unknown) => Promise<unknown>;
  const clock = { now: START };
  const stdout: string[] = [];
  const tallies = { alarm: new Tally(), schedule: new Tally(), command: new Tally() };

  beforeAll(async () => {
    servers = await startFuzzServers();
    const elbv2: ElasticLoadBalancingV2Client = createElbv2Client(servers.options);
    const cloudwatch: CloudWatchClient = createCloudWatchClient(servers.options);
    // The world the canary integration test seeds: an ALB rule split between two groups, two gate alarms.
    const world = await seedCanaryWorld(elbv2, new EC2Client(servers.options), {
      name: "fz",
      stableTargets: 3,
      canaryTargets: 3,
      stickinessSeconds: 86_400,
    });
    await putGateAlarms(cloudwatch, world, { errors: "fz-5xx", latency: "fz-p99" });
    for (const gate of GATES) await setAlarmState(cloudwatch, gate, "OK", "quiet");
    const base = servers.base(`
stage: test
region: eu-west-1
parameterPrefix: ${PREFIX}
slack: { channel: "#releases", tokenParameter: ${PREFIX}/slack-token }
canary:
  mode: auto
  canaries:
    - name: fz
      listenerRuleArn: ${world.ruleArn}
      stableTargetGroupArn: ${world.stableTargetGroupArn}
      canaryTargetGroupArn: ${world.canaryTargetGroupArn}
      steps: [1, 5, 25, 50, 100]
      bakeMinutes: 10
      gateAlarms: [${GATES.join(", ")}]
      minHealthyTargets: 2
`);
    handler = handlerFor(
      createHandler,
      canaryRuntime({ base, aws: servers.options, now: () => clock.now, deadlineMs: 30_000 }),
    );
    // A run in progress at its first step, its bake time over: the next valid trigger advances it.
    const started = (await handler({
      canaryCommand: { kind: "start", canary: "fz", author: "alice", reason: "release 2026.11.2" },
    })) as { accepted: boolean; decisions: { outcome: string }[] };
    expect([started.accepted, started.decisions[0]?.outcome]).toEqual([true, "applied"]);
    clock.now = DUE;
    before = await takeBefore(servers, SERVICES);
  });

  afterAll(async () => {
    await servers?.stop();
  });

  // Real deliveries re-addressed to the gate alarms: unmutated, each would make the canary evaluate now.
  const alarms = GATES.flatMap((alarmName) => [
    alarmSnsEvent(fixture("sns/cloudwatch-alarm-ok.json"), {
      alarmName,
      newState: "OK",
      oldState: "ALARM",
      at: DUE,
    }),
    alarmSnsEvent(fixture("sns/cloudwatch-alarm-in-alarm.json"), {
      alarmName,
      newState: "ALARM",
      oldState: "OK",
      at: DUE,
    }),
  ]);
  const scheduled = fixture("eventbridge/scheduled-event.json");

  it(`rejects ${RUNS} mutated gate-alarm notifications and random JSON`, async () => {
    stdout.push(
      ...(await capturingStdout(() =>
        assertHarmless(
          // Any well-formed notification says "evaluate now", whatever its time: only broken ones are bad input.
          hostileAlarmEvents(alarms, { alarmNames: unmappedAlarmNames(GATES), farTimes: false }),
          handler,
          { tally: tallies.alarm },
        ),
      )),
    );
    console.info(`canary SNS: ${tallies.alarm.total()} inputs: ${tallies.alarm}`);
    expect(tallies.alarm.total()).toBeGreaterThanOrEqual(RUNS);
  });

  it(`rejects ${RUNS} mutated schedule events and random JSON`, async () => {
    stdout.push(
      ...(await capturingStdout(() =>
        assertHarmless(hostileScheduleEvents(scheduled), handler, { tally: tallies.schedule }),
      )),
    );
    console.info(`canary schedule: ${tallies.schedule.total()} inputs: ${tallies.schedule}`);
    expect(tallies.schedule.total()).toBeGreaterThanOrEqual(RUNS);
  });

  it(`rejects or refuses ${RUNS} hostile canary commands`, async () => {
    const others = fc.oneof(fc.constantFrom("FZ", "fz ", "fz-2", "web", "*"), unicodeString);
    stdout.push(
      ...(await capturingStdout(() =>
        assertHarmless(hostileCanaryCommands("fz", others), handler, { tally: tallies.command }),
      )),
    );
    console.info(`canary command: ${tallies.command.total()} inputs: ${tallies.command}`);
    expect(tallies.command.total()).toBeGreaterThanOrEqual(RUNS);
    expect(tallies.command.counts.get("refused") ?? 0).toBeGreaterThan(0);
  });

  it("left moto byte-for-byte as it was, and no prototype polluted", async () => {
    const all = new Tally();
    for (const tally of Object.values(tallies))
      for (const [verdict, n] of tally.counts) all.counts.set(verdict, (all.counts.get(verdict) ?? 0) + n);
    expect(all.total()).toBeGreaterThanOrEqual(3 * RUNS);
    await expectWorldUnchanged(servers, SERVICES, before, all, stdout);
    expectPrototypesClean();
  });

  it("is armed: the unmutated schedule event does advance the canary and change moto", async () => {
    const decisions = (await handler(scheduled)) as { rule: string; outcome: string }[];
    expect(decisions.map((d) => [d.rule, d.outcome])).toEqual([["advance", "applied"]]);
    const changed = snapshotDifferences(before.snapshot, await snapshotMoto(servers.moto.url, SERVICES));
    const models = changed.map((d) => d.split(" ")[0] ?? "");
    expect(models.some((m) => m.startsWith("elbv2."))).toBe(true);
    expect(models).toContain("ssm.Parameter");
  });
});
