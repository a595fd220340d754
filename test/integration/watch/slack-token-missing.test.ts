import { EC2Client } from "@aws-sdk/client-ec2";
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FleetWorld, startFleetWorld } from "../../../sandbox/seed/fleet-world";
import { type MotoServer, startMoto } from "../../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../../sandbox/servers/slack-sink";
import type { FlowDecision } from "../../../shared/flow-control/domain/flow-control-decision";
import { slackNotifierFromParameter } from "../../../shared/runtime/bootstrap";
import { createLogger } from "../../../shared/runtime/logger";
import { alarmTime, eventFixture, snsAlarm } from "../../support/events";
import { notifiedAlarmsHandler } from "../../support/flow-control-setup";
import { httpGet, skipHaproxyTests } from "../../support/haproxy-instance";
import { motoClientOptions, motoOrSkip } from "../../support/moto";
import { flowControlRuntime, sinkSlackClient, testColdStart } from "../../support/runtimes";
import { flowControlStage } from "../../support/stages";

const hasMoto = motoOrSkip();
const noHaproxy = skipHaproxyTests();
const DOCUMENT = "TrafficAutopilot-FlowControl";
const TOKEN = "/traffic-autopilot/test/slack-token";
const STAGE = flowControlStage({ documentName: DOCUMENT, tokenParameter: TOKEN, slackTimeoutMs: 1000 });

const notification = (state: "ALARM" | "OK", at: string) =>
  snsAlarm("flow-control-engage-alarm", {
    AlarmName: "web-overload",
    NewStateValue: state,
    OldStateValue: state === "ALARM" ? "OK" : "ALARM",
    StateChangeTime: alarmTime(at),
  });

describe.skipIf(!hasMoto || noHaproxy)("a missing Slack token never stops an automation", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let world: FleetWorld;
  let ssm: SSMClient;
  const lines: string[] = [];
  let handler: (event: unknown) => Promise<FlowDecision[]>;
  let now = new Date("2026-11-02T20:04:36Z");

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    world = await startFleetWorld({
      motoUrl: moto.url,
      ec2: new EC2Client(motoClientOptions(moto.url)),
      tag: { key: "Role", value: "haproxy-web" },
      size: 2,
      documentName: DOCUMENT,
      deliveryTimeoutMs: 1_500,
    });
    ssm = new SSMClient(motoClientOptions(moto.url));
    // The token existed once and was deleted by hand.
    await ssm.send(new PutParameterCommand({ Name: TOKEN, Type: "SecureString", Value: "xoxb-test" }));
    await ssm.send(new DeleteParameterCommand({ Name: TOKEN }));
    // One runtime for the whole file, like one warm Lambda container: its Slack notifier is the real
    // one of every cold start, reading the token through SSM (the stand-in forwards to moto).
    const base = testColdStart({
      stage: STAGE,
      ssm: motoClientOptions(world.standIn.url),
      slack: sinkSlackClient(slack),
    });
    const logger = createLogger({ write: (line) => lines.push(line) });
    const degradable = {
      ...base,
      logger,
      notifier: slackNotifierFromParameter(base.ssm, base.config, logger, slack.apiUrl),
    };
    const runtime = flowControlRuntime({
      base: degradable,
      aws: motoClientOptions(moto.url),
      now: () => now,
      deadlineMs: 20_000,
    });
    // CloudWatch changes the alarm's state before it notifies; flow control confirms it with DescribeAlarms.
    handler = notifiedAlarmsHandler(runtime, motoClientOptions(moto.url));
  });

  afterAll(async () => {
    await world?.stop();
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  it("closes the fleet on a mapped ALARM with the token parameter deleted, and the decision says Slack was unavailable", async () => {
    const [decision] = await handler(notification("ALARM", "2026-11-02T20:04:30.000Z"));
    expect([decision?.rule, decision?.outcome]).toEqual(["engage", "applied"]);
    expect(decision?.after).toEqual({ mode: "closed", admitRate: 0 });
    expect(decision?.notices).toEqual([
      expect.stringMatching(
        /^Slack unavailable: token parameter \/traffic-autopilot\/test\/slack-token unreadable \(ParameterNotFound/,
      ),
    ]);
    for (const member of world.members) {
      const newUser = await httpGet(`${member.haproxy.frontendUrl}/products`);
      expect(newUser.status, member.instanceId).toBe(503);
    }
    // Nothing reached Slack; the messages are in the log, with the metric the stack alarms on.
    expect(slack.calls).toHaveLength(0);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.filter((l) => l.SlackUnavailable === 1)).toHaveLength(1);
    expect(parsed.find((l) => l.SlackUnavailable === 1)).toMatchObject({
      Automation: "flow-control",
      _aws: { CloudWatchMetrics: [{ Namespace: "TrafficAutopilot", Dimensions: [["Automation"]] }] },
    });
    const logged = parsed.filter((l) => l.message === "Slack unavailable: message logged instead of posted");
    expect(logged.map((l) => String(l.text)).join("\n")).toMatch(/ENGAGED|close/i);
    const logDecision = parsed.find((l) => l.message === "decision") as { decision: FlowDecision };
    expect(logDecision.decision.notices?.[0]).toMatch(/^Slack unavailable/);
  });

  it("reads the token again on the next invocation: once restored, decisions reach Slack again", async () => {
    await ssm.send(new PutParameterCommand({ Name: TOKEN, Type: "SecureString", Value: "xoxb-test" }));
    now = new Date("2026-11-02T20:10:00Z");
    const metricsBefore = lines.filter((l) => l.includes('"SlackUnavailable":1')).length;
    const [decision] = await handler(notification("OK", "2026-11-02T20:09:50.000Z"));
    expect([decision?.rule, decision?.outcome]).toEqual(["release", "applied"]);
    expect(decision?.notices).toBeUndefined();
    expect(slack.calls.filter((c) => c.method === "chat.postMessage").length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('"SlackUnavailable":1')).length).toBe(metricsBefore);
  });

  it("alerts once and returns for a malformed SNS notification, so Lambda does not retry it", async () => {
    const posts = slack.calls.length;
    const bad = eventFixture("sns/flow-control-engage-alarm");
    bad.Records[0].Sns.Message = "{ not json";
    const outcome = await handler(bad);
    expect(outcome).toMatchObject({ rejected: true, error: { name: "NotAnAlarmNotificationError" } });
    expect(slack.calls.length - posts).toBe(1);
    expect(JSON.stringify(slack.calls.at(-1)?.body)).toContain("rejected an event (not retried)");
  });
});
