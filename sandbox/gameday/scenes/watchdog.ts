import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { z } from "zod";
import { createHandler } from "../../../functions/origin-balancer/handler";
import { watchdogDeps } from "../../../functions/watchdog/deps";
import { createWatchdog } from "../../../functions/watchdog/watchdog";
import { functionDefinitions } from "../../../infra/serverless/functions";
import { stackAlarms } from "../../../infra/serverless/watch";
import { createSqsFailedEventQueue } from "../../../shared/adapters/aws/sqs-failed-event-queue";
import { compileStageConfig } from "../../../shared/config/compile-stage-config";
import { coldStart } from "../../../shared/runtime/bootstrap";
import { failedEventsQueueName } from "../../../shared/runtime/failed-events-queue";
import { redriveFailedEvents } from "../../../shared/watchdog/redrive-failed-events";
import { alarmNotification } from "../../watch/alarm-delivery";
import { invokeAsynchronously } from "../../watch/lambda-async";
import { scheduledEvent } from "../events";
import { check, defineScene } from "./scene";

const params = z.strictObject({ after: z.number().int().min(0).max(600).default(1) });

/**
 * Someone pushes a broken stage file: the origin balancer's cold start fails on every scheduled event,
 * so it cannot tell anyone itself. Lambda retries the event twice and keeps it on the on-failure queue;
 * the stack's Errors alarm goes to ALARM and the watchdog (own token, no stage file) tells Slack. After
 * the fix, a redrive replays the kept event through the balancer.
 */
export const watchdog = defineScene({
  name: "watchdog",
  params,
  expectation: () =>
    "a broken stage file fails the balancer's cold start three times; the watchdog tells Slack, and a redrive after the fix replays the event",
  minutes: () => 2,
  async run(world) {
    const stage = world.config.stage;
    const functionName = `traffic-autopilot-${stage}-origin-balancer`;
    // What a function reads is the compiled stage config (JSON written at package time): a hand edit
    // that drops a key every function needs breaks every cold start.
    const brokenFile = path.join(mkdtempSync(path.join(tmpdir(), "gameday-watchdog-")), `${stage}.json`);
    const compiled = JSON.parse(
      compileStageConfig(readFileSync(world.configFile, "utf8"), world.configFile),
    ) as { config: Record<string, unknown> };
    delete compiled.config.region;
    writeFileSync(brokenFile, JSON.stringify(compiled));
    const context = { getRemainingTimeInMillis: () => 60_000, functionName } as Context;
    // The real handler and cold start, reading the broken file as Lambda would after the push.
    const broken = createHandler(async () => {
      await coldStart("origin-balancer", { ...process.env, CONFIG_FILE: brokenFile });
      throw new Error("unreachable: the broken stage file must fail the cold start");
    });
    const sqs = new SQSClient({ region: world.region, endpoint: world.moto.url });
    const queueName = failedEventsQueueName(stage);
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl ?? "";
    const slackBefore = world.slack.calls.length;
    world.recorder.note("a broken stage file is pushed by hand: the origin balancer's cold start now fails");
    const event = scheduledEvent(world.clock.now, stage, "origin-balancer");
    const result = await invokeAsynchronously({
      handler: broken,
      event,
      functionName,
      sqs,
      queueUrl,
      context,
    });
    const silent = world.slack.calls.length === slackBefore;

    // What Lambda publishes for the failed attempts; CloudWatch's evaluation of the stack's alarm.
    await world.clients.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: "AWS/Lambda",
        MetricData: [
          {
            MetricName: "Errors",
            Dimensions: [{ Name: "FunctionName", Value: functionName }],
            Value: result.failures,
          },
        ],
      }),
    );
    const alarm = stackAlarms(world.config).find(
      (a) => a.resource.Properties.AlarmName === `${functionName}-errors`,
    );
    const topicArn = `arn:aws:sns:${world.region}:123456789012:traffic-autopilot-${stage}-watchdog`;
    const checks = [
      check(
        "the cold start failed on every attempt",
        result.failures === 3,
        `${result.failures} of 3 attempts failed`,
      ),
      check(
        "the failing function could not post anything itself",
        silent,
        `${world.slack.calls.length - slackBefore} Slack calls`,
      ),
    ];
    if (alarm === undefined)
      return [...checks, check("the stack defines the Errors alarm", false, "not found")];
    const notification = await alarmNotification(world.clients.cloudwatch, alarm, topicArn, {
      value: "ALARM",
      reason: `Threshold Crossed: 1 datapoint [${result.failures}.0] was greater than or equal to the threshold (1.0).`,
    });
    const env = (functionDefinitions(world.config).watchdog as { environment: Record<string, string> })
      .environment;
    const watch = createWatchdog(
      watchdogDeps({ ...env, SLACK_API_URL: world.slack.apiUrl }, world.clients.ssm),
    );
    const told = await watch(notification);
    const text = String(world.slack.calls.at(-1)?.body.text ?? "");
    world.recorder.note(`watchdog -> Slack: ${text.split("\n")[0]}`);

    world.recorder.note("the stage file is fixed; autopilot redrive replays the kept event");
    const report = await redriveFailedEvents(createSqsFailedEventQueue(sqs, queueName), {
      async replay(name, payload) {
        if (name !== functionName) return { ok: false, error: `unexpected function ${name}` };
        try {
          // The sandbox's balancer: the same handler, on the scenario clock.
          return {
            ok: true,
            response: await world.recorder.invoke("watchdog", () => world.handlers.originBalancer(payload)),
          };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      },
    });
    return [
      ...checks,
      check("the event waited on the on-failure queue", result.sent !== undefined, queueName),
      check(
        "the watchdog told Slack",
        told.posted === 1 && text.includes(`*ALARM* ${functionName}-errors`),
        text.split("\n")[0] ?? "(nothing posted)",
      ),
      check(
        "the redrive replayed it once the file was fixed",
        report.events.length === 1 && report.events[0]?.outcome === "replayed",
        JSON.stringify(report.events.map((e) => [e.outcome, e.detail])),
      ),
    ];
  },
});
