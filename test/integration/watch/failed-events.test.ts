import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../cli/main";
import { renderStatus } from "../../../cli/render/status";
import { createHandler as createFlowControlHandler } from "../../../functions/flow-control/handler";
import type { StatusRuntime } from "../../../functions/status/deps";
import { createHandler as createStatusHandler } from "../../../functions/status/handler";
import { putFleetAlarm, seedingCloudWatch } from "../../../sandbox/seed/fleet-alarms";
import { type FleetWorld, startFleetWorld } from "../../../sandbox/seed/fleet-world";
import { type MotoServer, startMoto } from "../../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../../sandbox/servers/slack-sink";
import { invokeAsynchronously } from "../../../sandbox/watch/lambda-async";
import { createAcmCertificates } from "../../../shared/adapters/aws/acm-certificates";
import { createAcmClient } from "../../../shared/adapters/aws/clients/acm";
import { createEc2Client } from "../../../shared/adapters/aws/clients/ec2";
import { createElbv2Client } from "../../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../../shared/adapters/aws/clients/route53";
import { createSqsClient } from "../../../shared/adapters/aws/clients/sqs";
import { createEc2FleetInventory } from "../../../shared/adapters/aws/ec2-fleet-inventory";
import { createElbv2ListenerRules } from "../../../shared/adapters/aws/elbv2-listener-rules";
import { createElbv2LoadBalancers } from "../../../shared/adapters/aws/elbv2-load-balancers";
import { createRoute53AliasPointer } from "../../../shared/adapters/aws/route53-alias-pointer";
import { createRoute53WeightedRecords } from "../../../shared/adapters/aws/route53-weighted-records";
import { createSqsFailedEventQueue } from "../../../shared/adapters/aws/sqs-failed-event-queue";
import { createSsmOverrideStore } from "../../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../../shared/adapters/aws/ssm-state-store";
import type { FlowDecision } from "../../../shared/flow-control/domain/flow-control-decision";
import { failedEventsQueueName } from "../../../shared/runtime/failed-events-queue";
import type { StatusDocument } from "../../../shared/status/domain/types";
import type { FailedEventsStatus } from "../../../shared/watchdog/domain/invocation-record";
import { type EventReplayer, redriveFailedEvents } from "../../../shared/watchdog/redrive-failed-events";
import { alarmTime, snsAlarm } from "../../support/events";
import { httpGet, skipHaproxyTests } from "../../support/haproxy-instance";
import { motoClientOptions, motoOrSkip } from "../../support/moto";
import { flowControlRuntime, lambdaContext, sinkSlackClient, testColdStart } from "../../support/runtimes";
import { flowControlStage } from "../../support/stages";

const hasMoto = motoOrSkip();
const noHaproxy = skipHaproxyTests();
const DOCUMENT = "TrafficAutopilot-FlowControl";
const FUNCTION = "traffic-autopilot-test-flow-control";
const STATE = "/traffic-autopilot/test/flow-control/web/state";
const STAGE = flowControlStage({ documentName: DOCUMENT });
// A stage file broken by hand: every cold start fails, whatever the event.
const BROKEN = STAGE.replace("minEngagedMinutes: 0", "minEngagedMinutes: 0\n      minEngagedMinuets: 5");

describe.skipIf(!hasMoto || noHaproxy)(
  "nothing lost: failed events wait in the queue, show in status, and redrive once",
  () => {
    let moto: MotoServer;
    let slack: SlackSink;
    let world: FleetWorld;
    let sqs: SQSClient;
    let queueUrl: string;
    const now = new Date("2026-11-02T20:04:36Z");
    const event = snsAlarm("flow-control-engage-alarm", {
      AlarmName: "web-overload",
      NewStateValue: "ALARM",
      OldStateValue: "OK",
      StateChangeTime: alarmTime("2026-11-02T20:04:30.000Z"),
    });

    const runtimeOf = (stage: string) =>
      flowControlRuntime({
        stage,
        ssm: motoClientOptions(world.standIn.url),
        slack: sinkSlackClient(slack),
        aws: motoClientOptions(moto.url),
        now: () => now,
        deadlineMs: 20_000,
      });
    let coldStarts = 0;
    const broken = createFlowControlHandler(async () => {
      coldStarts += 1;
      return runtimeOf(BROKEN);
    });
    // The fix is deployed: the same handler code with the corrected stage.
    const fixed = createFlowControlHandler(async () => runtimeOf(STAGE));
    const replayer: EventReplayer = {
      async replay(functionName, payload) {
        if (functionName !== FUNCTION) return { ok: false, error: `no function ${functionName}` };
        try {
          return { ok: true, response: await fixed(payload, lambdaContext) };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      },
    };
    const queue = () =>
      createSqsFailedEventQueue(createSqsClient(motoClientOptions(moto.url)), failedEventsQueueName("test"));
    const stateVersion = async () =>
      (await new SSMClient(motoClientOptions(moto.url)).send(new GetParameterCommand({ Name: STATE })))
        .Parameter?.Version;

    async function status(): Promise<
      StatusDocument & { failedEvents?: FailedEventsStatus | { error: string } }
    > {
      const options = motoClientOptions(moto.url);
      const base = testColdStart({ stage: STAGE, ssm: options, slack: sinkSlackClient(slack) });
      const deadline = () => new Date(Date.now() + 20_000);
      const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
      const route53 = createRoute53Client(options);
      const elbv2 = createElbv2Client(options);
      const runtime: StatusRuntime = {
        config: base.config,
        base,
        deps: () => ({
          records: createRoute53WeightedRecords(route53, { deadline }),
          inventory: createEc2FleetInventory(createEc2Client(options), { deadline }),
          balancers: createElbv2LoadBalancers(elbv2, { deadline }),
          dns: createRoute53AliasPointer(route53, { deadline }),
          certificates: createAcmCertificates(createAcmClient(options), { deadline }),
          rules: createElbv2ListenerRules(elbv2, { deadline }),
          state,
          overrides: createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state),
          failedEvents: queue(),
          now: () => new Date(now.getTime() + 12 * 60_000),
        }),
      };
      return (await createStatusHandler(async () => runtime)({}, lambdaContext)) as StatusDocument & {
        failedEvents?: FailedEventsStatus;
      };
    }

    beforeAll(async () => {
      [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
      world = await startFleetWorld({
        motoUrl: moto.url,
        ec2: new EC2Client(motoClientOptions(moto.url)),
        tag: { key: "Role", value: "haproxy-web" },
        size: 1,
        documentName: DOCUMENT,
        deliveryTimeoutMs: 1_500,
      });
      // The notified alarm is in ALARM where flow control confirms it (DescribeAlarms), as CloudWatch does.
      await putFleetAlarm(seedingCloudWatch(moto.url), "web-overload", "ALARM");
      await new SSMClient(motoClientOptions(moto.url)).send(
        new PutParameterCommand({
          Name: "/traffic-autopilot/test/slack-token",
          Type: "SecureString",
          Value: "xoxb-test",
        }),
      );
      sqs = new SQSClient(motoClientOptions(moto.url));
      // As the stack creates it (infra/serverless/watch.ts): 14 days, SQS-managed encryption.
      const created = await sqs.send(
        new CreateQueueCommand({
          QueueName: failedEventsQueueName("test"),
          Attributes: { MessageRetentionPeriod: "1209600", SqsManagedSseEnabled: "true" },
        }),
      );
      queueUrl = created.QueueUrl ?? "";
    });

    afterAll(async () => {
      await world?.stop();
      await Promise.all([moto?.stop(), slack?.stop()]);
    });

    it("puts an alarm notification that failed three times on the queue with its error", async () => {
      const result = await invokeAsynchronously({
        handler: broken,
        event,
        functionName: FUNCTION,
        sqs,
        queueUrl,
        context: lambdaContext,
      });
      expect([result.attempts, result.failures]).toEqual([3, 3]);
      // Each attempt really ran the handler, whose cold start failed (again for its alert).
      expect(coldStarts).toBeGreaterThanOrEqual(3);
      expect(world.standIn.commands()).toHaveLength(0);
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ["ApproximateNumberOfMessages"],
        }),
      );
      expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe("1");
      expect(result.sent).toMatchObject({
        requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 3 },
        requestPayload: event,
        responsePayload: {
          errorType: "InvalidConfigError",
          errorMessage: expect.stringContaining("minEngagedMinuets"),
        },
      });
    });

    it("shows the waiting event in the status document and the CLI table: function, error and age", async () => {
      const doc = await status();
      expect(doc.failedEvents).toMatchObject({
        queue: "traffic-autopilot-test-failed-events",
        waiting: 1,
        unreadable: 0,
        newest: [
          {
            function: FUNCTION,
            attempts: 3,
            error: expect.stringMatching(/^InvalidConfigError: invalid configuration in test\.yml/),
          },
        ],
      });
      const age = (doc.failedEvents as FailedEventsStatus).newest[0]?.ageMinutes ?? -1;
      expect(age).toBeGreaterThanOrEqual(0);
      const text = renderStatus(doc);
      expect(text).toContain("FAILED EVENTS");
      expect(text).toContain(
        "1 waiting in traffic-autopilot-test-failed-events (after a fix: autopilot redrive)",
      );
      expect(text).toMatch(/traffic-autopilot-test-flow-control\s+\d+ min ago\s+3\s+InvalidConfigError/);
      // Status only looked: the message is still there, visible.
      expect((await status()).failedEvents).toMatchObject({ waiting: 1 });
    });

    it("redrives it after the fix through the real handler: the fleet closes once and the message is deleted", async () => {
      const report = await redriveFailedEvents(queue(), replayer);
      expect(report.events.map((e) => [e.function, e.outcome])).toEqual([[FUNCTION, "replayed"]]);
      expect(world.standIn.commands()).toHaveLength(1);
      expect(world.standIn.commands()[0]?.parameters).toEqual({ action: ["close"] });
      const served = await httpGet(`${world.members[0]?.haproxy.frontendUrl}/products`);
      expect(served.status).toBe(503);
      expect(await queue().depth()).toBe(0);
      expect((await status()).failedEvents).toMatchObject({ waiting: 0, newest: [] });
    });

    it("changes nothing on a second redrive, nor when the same event is delivered again", async () => {
      const version = await stateVersion();
      const report = await redriveFailedEvents(queue(), replayer);
      expect(report.events).toEqual([]);
      // The same notification once more (a redrive that could not delete, an SNS redelivery): a duplicate.
      const [again] = (await fixed(event, lambdaContext)) as FlowDecision[];
      expect([again?.rule, again?.outcome]).toEqual(["duplicate", "ignored"]);
      expect(world.standIn.commands()).toHaveLength(1);
      expect(await stateVersion()).toBe(version);
    });

    it("keeps an event whose replay fails again, and one that is not a Lambda record, visible for the next try", async () => {
      await invokeAsynchronously({
        handler: broken,
        event,
        functionName: FUNCTION,
        sqs,
        queueUrl,
        context: lambdaContext,
      });
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "put here by hand" }));
      const still: EventReplayer = {
        replay: async () => ({ ok: false, error: "InvalidConfigError: still broken" }),
      };
      const report = await redriveFailedEvents(queue(), still);
      expect(report.events.map((e) => e.outcome).sort()).toEqual(["failed-again", "unreadable"]);
      expect(await queue().depth()).toBe(2);
      const retried = await redriveFailedEvents(queue(), replayer);
      expect(retried.events.map((e) => e.outcome).sort()).toEqual(["replayed", "unreadable"]);
      expect(await queue().depth()).toBe(1);
      expect(world.standIn.commands()).toHaveLength(1);
    });

    it("redrives from the command line too (--session): a malformed event is rejected by its function and stays, exit 1", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "redrive-"));
      const configFile = path.join(dir, "test.yml");
      writeFileSync(configFile, STAGE);
      const sessionFile = path.join(dir, "session.json");
      writeFileSync(
        sessionFile,
        JSON.stringify({ motoUrl: moto.url, slackApiUrl: slack.apiUrl, configFile, region: "eu-west-1" }),
      );
      // Whatever is left from before is redriven first: only the malformed event must stay.
      await redriveFailedEvents(queue(), replayer);
      const malformed = structuredClone(event);
      malformed.Records[0].Sns.Message = "{ not json";
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({
            version: "1.0",
            timestamp: new Date().toISOString(),
            requestContext: {
              requestId: "r-1",
              functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${FUNCTION}:$LATEST`,
              condition: "RetriesExhausted",
              approximateInvokeCount: 3,
            },
            requestPayload: malformed,
            responsePayload: { errorType: "NotAnAlarmNotificationError", errorMessage: "not JSON" },
          }),
        }),
      );
      const out: string[] = [];
      const code = await runCli(["redrive", "--session", sessionFile], {
        out: (t) => out.push(t),
        err: (t) => out.push(t),
      });
      expect(code, out.join("")).toBe(1);
      expect(out.join("")).toMatch(/0 of \d+ replayed from traffic-autopilot-test-failed-events/);
      expect(out.join("")).toMatch(
        /traffic-autopilot-test-flow-control\s+rejected\s+the function rejects it as malformed/,
      );
      expect(await queue().depth()).toBeGreaterThanOrEqual(1);
      expect(world.standIn.commands()).toHaveLength(1);
    });
  },
);
