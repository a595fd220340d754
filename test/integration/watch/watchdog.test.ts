import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler as createFlowControlHandler } from "../../../functions/flow-control/handler";
import { watchdogDeps } from "../../../functions/watchdog/deps";
import { createWatchdog } from "../../../functions/watchdog/watchdog";
import { functionDefinitions } from "../../../infra/serverless/functions";
import { stackAlarms } from "../../../infra/serverless/watch";
import { type MotoServer, startMoto } from "../../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../../sandbox/servers/slack-sink";
import { alarmNotification, snsEnvelope } from "../../../sandbox/watch/alarm-delivery";
import { invokeAsynchronously } from "../../../sandbox/watch/lambda-async";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { slackNotifierFromParameter } from "../../../shared/runtime/bootstrap";
import { failedEventsQueueName } from "../../../shared/runtime/failed-events-queue";
import { createLogger } from "../../../shared/runtime/logger";
import { snsAlarm } from "../../support/events";
import { motoClientOptions, motoOrSkip } from "../../support/moto";
import { flowControlRuntime, lambdaContext, sinkSlackClient } from "../../support/runtimes";
import { everyAutomationStage } from "../../support/stages";

const hasMoto = motoOrSkip();
const PREFIX = "/traffic-autopilot/test";
const STAGE = everyAutomationStage({
  prefix: PREFIX,
  hostedZoneId: "Z0TEST0001",
  distribution: "E2TEST0001",
}).replace(
  `tokenParameter: ${PREFIX}/slack-token`,
  `tokenParameter: ${PREFIX}/slack-token, watchdogTokenParameter: ${PREFIX}/watchdog-slack-token`,
);
const config = parseStageConfig(STAGE, "test.yml");
const alarmNamed = (suffix: string) => {
  const alarm = stackAlarms(config).find((a) => String(a.resource.Properties.AlarmName).endsWith(suffix));
  if (!alarm) throw new Error(`the stack defines no alarm ending in ${suffix}`);
  return alarm;
};

describe.skipIf(!hasMoto)("the watchdog tells Slack what the automations cannot", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let ssm: SSMClient;
  let cloudwatch: CloudWatchClient;
  let topicArn: string;
  const lines: string[] = [];
  let watchdog: ReturnType<typeof createWatchdog>;
  const posts = () => slack.calls.filter((c) => c.method === "chat.postMessage");

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    const options = motoClientOptions(moto.url);
    ssm = new SSMClient(options);
    cloudwatch = new CloudWatchClient(options);
    // The automations' token was deleted; the watchdog's own is there.
    await ssm.send(
      new PutParameterCommand({ Name: `${PREFIX}/slack-token`, Type: "SecureString", Value: "xoxb-a" }),
    );
    await ssm.send(new DeleteParameterCommand({ Name: `${PREFIX}/slack-token` }));
    await ssm.send(
      new PutParameterCommand({
        Name: `${PREFIX}/watchdog-slack-token`,
        Type: "SecureString",
        Value: "xoxb-w",
      }),
    );
    // The stack's watchdog topic (the alarms' actions; the envelope names it).
    topicArn = "arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-test-watchdog";
    // The watchdog as deployed: its environment is the one serverless.yml gives it, plus the sink's URL.
    const env = (functionDefinitions(config).watchdog as { environment: Record<string, string> }).environment;
    const deps = watchdogDeps({ ...env, SLACK_API_URL: slack.apiUrl }, ssm);
    watchdog = createWatchdog({
      ...deps,
      log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })),
    });
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  it("posts the balancer's heartbeat alarm in ALARM while the balancer's own token is missing", async () => {
    // The balancer cannot reach Slack: its token parameter is gone.
    const balancerSlack = slackNotifierFromParameter(
      ssm,
      config,
      createLogger({ write: () => undefined }),
      slack.apiUrl,
    );
    expect(await balancerSlack.refresh?.()).toMatch(
      /token parameter \/traffic-autopilot\/test\/slack-token unreadable \(ParameterNotFound/,
    );

    const event = await alarmNotification(cloudwatch, alarmNamed("origin-balancer-heartbeat"), topicArn, {
      value: "ALARM",
      reason:
        "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching].",
    });
    expect(await watchdog(event)).toEqual({ posted: 1, logged: 0 });
    expect(posts()).toHaveLength(1);
    const body = posts()[0]?.body ?? {};
    expect(body.channel).toBe("#traffic");
    expect(String(body.text)).toMatch(
      /^:rotating_light: \*ALARM\* traffic-autopilot-test-origin-balancer-heartbeat\n/,
    );
    expect(String(body.text)).toContain("made no successful decision in 3 schedule periods (rate(1 minute))");
    expect(String(body.text)).toContain("treated as [Breaching]");
  });

  it("posts a function's degraded state: flow control running without Slack", async () => {
    const event = await alarmNotification(
      cloudwatch,
      alarmNamed("flow-control-slack-unavailable"),
      topicArn,
      {
        value: "ALARM",
        reason: "Threshold Crossed: 1 datapoint [1.0] was greater than or equal to the threshold (1.0).",
      },
    );
    expect(await watchdog(event)).toEqual({ posted: 1, logged: 0 });
    expect(String(posts().at(-1)?.body.text)).toMatch(
      /\*ALARM\* traffic-autopilot-test-flow-control-slack-unavailable\nflow-control runs without Slack/,
    );
  });

  it("shows names and reasons from the topic literally: no mention, no disguised link", async () => {
    const forged = snsEnvelope(topicArn, {
      AlarmName: "x <!channel> <https://evil.example|click> & <@U123>",
      NewStateValue: "ALARM",
      NewStateReason: "<!here>",
      StateChangeTime: "2026-11-02T20:04:31.118+0000",
    });
    await watchdog(forged);
    const text = String(posts().at(-1)?.body.text);
    expect(text).toContain("x &lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; &lt;@U123&gt;");
    expect(text).toContain("reason: &lt;!here&gt;");
    expect(text).not.toMatch(/<!channel>|<!here>|<@U123>|<https:/);
  });

  it("stays quiet when Slack is down: logs the alarm and returns, no throw, no retry", async () => {
    const before = posts().length;
    slack.failNext(1, 500);
    const event = await alarmNotification(cloudwatch, alarmNamed("failed-events-waiting"), topicArn, {
      value: "ALARM",
      reason: "Threshold Crossed: 1 datapoint [2.0] was greater than or equal to the threshold (1.0).",
    });
    expect(await watchdog(event)).toEqual({ posted: 0, logged: 1 });
    expect(posts()).toHaveLength(before);
    expect(lines.at(-1)).toContain("watchdog: Slack unavailable, notification logged only");
    expect(lines.at(-1)).toContain("traffic-autopilot-test-failed-events-waiting");
  });

  it("stays quiet when its own token is missing too, and reads it again on the next alarm", async () => {
    const fresh = createWatchdog({
      ...watchdogDeps(
        {
          SLACK_TOKEN_PARAMETER: `${PREFIX}/slack-token`,
          SLACK_CHANNEL: "#traffic",
          SLACK_API_URL: slack.apiUrl,
        },
        ssm,
      ),
      log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })),
    });
    const event = await alarmNotification(cloudwatch, alarmNamed("canary-errors"), topicArn, {
      value: "ALARM",
      reason: "Threshold Crossed",
    });
    expect(await fresh(event)).toEqual({ posted: 0, logged: 1 });
    expect(lines.at(-1)).toContain("watchdog: Slack token unreadable, notification logged only");
    await ssm.send(
      new PutParameterCommand({ Name: `${PREFIX}/slack-token`, Type: "SecureString", Value: "xoxb-a" }),
    );
    expect(await fresh(event)).toEqual({ posted: 1, logged: 0 });
  });
  it("game day: flow control's cold start fails on a broken stage file; nobody hears it, the watchdog tells Slack", async () => {
    const options = motoClientOptions(moto.url);
    const broken = STAGE.replace("flowControl:\n", "flowControl:\n  alarmTopic: typo\n");
    const handler = createFlowControlHandler(async () =>
      flowControlRuntime({ stage: broken, ssm: options, slack: sinkSlackClient(slack), aws: options }),
    );
    const sqs = new SQSClient(options);
    const queueUrl =
      (await sqs.send(new CreateQueueCommand({ QueueName: failedEventsQueueName("test") }))).QueueUrl ?? "";
    const before = posts().length;
    const notification = snsAlarm("flow-control-engage-alarm", { AlarmName: "web-overload" });
    const result = await invokeAsynchronously({
      handler,
      event: notification,
      functionName: "traffic-autopilot-test-flow-control",
      sqs,
      queueUrl,
      context: lambdaContext,
    });
    expect(result.failures).toBe(3);
    // The function could not say anything itself: its cold start failed before Slack was set up.
    expect(posts()).toHaveLength(before);
    // What Lambda publishes for the three failed attempts, and CloudWatch's evaluation of the stack's alarm.
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: "AWS/Lambda",
        MetricData: [
          {
            MetricName: "Errors",
            Dimensions: [{ Name: "FunctionName", Value: "traffic-autopilot-test-flow-control" }],
            Value: 3,
            Unit: "Count",
          },
        ],
      }),
    );
    const errors = await alarmNotification(cloudwatch, alarmNamed("flow-control-errors"), topicArn, {
      value: "ALARM",
      reason: "Threshold Crossed: 1 datapoint [3.0] was greater than or equal to the threshold (1.0).",
    });
    const waiting = await alarmNotification(cloudwatch, alarmNamed("failed-events-waiting"), topicArn, {
      value: "ALARM",
      reason: "Threshold Crossed: 1 datapoint [1.0] was greater than or equal to the threshold (1.0).",
    });
    expect(await watchdog(errors)).toEqual({ posted: 1, logged: 0 });
    expect(await watchdog(waiting)).toEqual({ posted: 1, logged: 0 });
    const texts = posts()
      .slice(before)
      .map((p) => String(p.body.text));
    expect(texts[0]).toMatch(
      /^:rotating_light: \*ALARM\* traffic-autopilot-test-flow-control-errors\nflow-control failed/,
    );
    expect(texts[1]).toMatch(
      /\*ALARM\* traffic-autopilot-test-failed-events-waiting\nFailed events wait in the on-failure queue/,
    );
    expect(result.sent?.responsePayload).toMatchObject({ errorType: "InvalidConfigError" });
  });
});
