import type { StageConfig } from "../../shared/config/stage-config";
import type { PolicyStatement } from "../../shared/kernel/iam-statements";
import { CLOUDFORMATION_ARN_CONTEXT } from "../../shared/kernel/iam-statements";
import { METRIC_NAMESPACE, SLACK_UNAVAILABLE_METRIC } from "../../shared/runtime/emf";
import { failedEventsQueueName } from "../../shared/runtime/failed-events-queue";
import { watchdogPolicy } from "../../shared/watchdog/iam-policy";
import { lambdaRole } from "./lambda-role";

/**
 * Watch the watcher: what the stack adds so that no failure of the automations goes unseen.
 *
 * - Every asynchronously invoked function (EventBridge, SNS) gets explicit async settings and an
 *   on-failure destination: a 14-day, SSE-encrypted SQS queue, where `autopilot status` shows waiting
 *   events and `autopilot redrive` replays them.
 * - Alarms on each function's Errors and Throttles, on the queue's depth, on runs without Slack, and a
 *   heartbeat per scheduled automation (no successful decision within HEARTBEAT_PERIODS schedule periods,
 *   missing data breaching). They notify the watchdog topic, which triggers the watchdog function: its
 *   own role, its own token, no stage file, so it does not share the failure it reports.
 */

const SERVICE = "traffic-autopilot";
export const FAILED_EVENTS_QUEUE = "FailedEventsQueue";
export const WATCHDOG_TOPIC = "WatchdogTopic";
export const WATCHDOG_ROLE = "WatchdogRole";

/** Lambda's async settings for every event-driven function: three attempts, then the queue. */
export const ASYNC_INVOKE = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3_600 } as const;
/** SQS's longest retention: a failed event waits two weeks for a fix and a redrive. */
const RETENTION_SECONDS = 1_209_600;
/** A scheduled automation with no successful decision for this many schedule periods is down. */
export const HEARTBEAT_PERIODS = 3;
/** CloudWatch evaluates at most one day of periods per alarm. */
const MAX_ALARM_WINDOW_SECONDS = 86_400;

export const watchdogTopicName = (stage: string) => `${SERVICE}-${stage}-watchdog`;
const functionName = (stage: string, fn: string) => `${SERVICE}-${stage}-${fn}`;

/** An event-driven automation: its function, its role, and the schedule its heartbeat follows. */
interface EventDriven {
  fn: string;
  role: string;
  schedule: string;
  /** Whether every scheduled run records a decision (the heartbeat counts decisions). */
  decidesEveryRun: boolean;
}

/** The functions EventBridge or SNS invoke (asynchronously), as functions.ts deploys them. */
export function eventDrivenFunctions(config: StageConfig): EventDriven[] {
  return [
    config.originBalancer && {
      fn: "origin-balancer",
      role: "OriginBalancerRole",
      schedule: config.originBalancer.schedule,
      decidesEveryRun: true,
    },
    config.flowControl && {
      fn: "flow-control",
      role: "FlowControlRole",
      schedule: config.flowControl.convergeSchedule,
      decidesEveryRun: true,
    },
    config.certRotation && {
      fn: "cert-rotation",
      role: "CertRotationRole",
      schedule: config.certRotation.schedule,
      decidesEveryRun: true,
    },
    // An idle canary (no run in progress) is skipped without a decision: no heartbeat to count.
    config.canary && {
      fn: "canary",
      role: "CanaryRole",
      schedule: config.canary.schedule,
      decidesEveryRun: false,
    },
  ].filter((e): e is EventDriven => Boolean(e));
}

/** serverless.yml's per-function async settings, with the queue as on-failure destination. */
export function asyncInvokeSettings(): Record<string, unknown> {
  return {
    maximumRetryAttempts: ASYNC_INVOKE.maximumRetryAttempts,
    maximumEventAge: ASYNC_INVOKE.maximumEventAgeSeconds,
    destinations: { onFailure: { type: "sqs", arn: { "Fn::GetAtt": [FAILED_EVENTS_QUEUE, "Arn"] } } },
  };
}

/** Adds the async settings to every event-driven function and the watchdog itself to `functions`. */
export function withWatch(
  config: StageConfig,
  functions: Record<string, Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const driven = eventDrivenFunctions(config);
  if (driven.length === 0) return functions;
  for (const { fn } of driven) {
    const definition = functions[fn];
    if (definition) Object.assign(definition, asyncInvokeSettings());
  }
  functions.watchdog = {
    handler: "functions/watchdog/handler.handler",
    description: "Posts the stack's own alarms to Slack (its own role and token, no stage file)",
    // Fn::Sub, as every function's role in functions.ts: a bare logical id makes the framework add a
    // DependsOn that the GetAtt already implies (cfn-lint W3005, which moto's ValidateTemplate rejects).
    role: { "Fn::Sub": `\${${WATCHDOG_ROLE}.Arn}` },
    memorySize: 128,
    timeout: 30,
    environment: {
      SLACK_TOKEN_PARAMETER: watchdogToken(config),
      SLACK_CHANNEL: config.slack.channel,
      SLACK_TIMEOUT_MS: String(config.slack.timeoutMs),
    },
    events: [{ sns: { arn: { Ref: WATCHDOG_TOPIC }, topicName: watchdogTopicName(config.stage) } }],
    ...asyncInvokeSettings(),
  };
  return functions;
}

export const watchdogToken = (config: StageConfig) =>
  config.slack.watchdogTokenParameter ?? config.slack.tokenParameter;

/** The statement every event-driven role (and the watchdog's) needs for Lambda to deliver failures. */
export function sendToFailedEventsStatement(stage: string): PolicyStatement {
  return {
    Effect: "Allow",
    Action: ["sqs:SendMessage"],
    Resource: `arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${failedEventsQueueName(stage)}`,
  };
}

/**
 * The queue, the topic, the alarms and the watchdog's role; and, in `roles` (the stack's role
 * resources), the SendMessage statement each event-driven role needs for its on-failure destination.
 */
export function watchResources(config: StageConfig, roles: Record<string, unknown>): Record<string, unknown> {
  const driven = eventDrivenFunctions(config);
  if (driven.length === 0) return {};
  const send = sendToFailedEventsStatement(config.stage);
  for (const { role } of driven) addStatement(roles[role], send);
  const stage = config.stage;
  const resources: Record<string, unknown> = {
    [FAILED_EVENTS_QUEUE]: {
      Type: "AWS::SQS::Queue",
      Properties: {
        QueueName: failedEventsQueueName(stage),
        MessageRetentionPeriod: RETENTION_SECONDS,
        SqsManagedSseEnabled: true,
      },
    },
    [WATCHDOG_TOPIC]: { Type: "AWS::SNS::Topic", Properties: { TopicName: watchdogTopicName(stage) } },
    [WATCHDOG_ROLE]: watchdogRole(config, send),
  };
  for (const alarm of stackAlarms(config)) resources[alarm.logicalId] = alarm.resource;
  return resources;
}

/** The watchdog's role: its own log group, its token parameter, the on-failure queue. */
function watchdogRole(config: StageConfig, send: PolicyStatement): Record<string, unknown> {
  return lambdaRole(functionName(config.stage, "watchdog"), "watchdog-least-privilege", [
    ...watchdogPolicy(CLOUDFORMATION_ARN_CONTEXT(config.stage), { tokenParameter: watchdogToken(config) }),
    send,
  ]);
}

function addStatement(role: unknown, statement: PolicyStatement): void {
  const policies = (role as { Properties?: { Policies?: { PolicyDocument: { Statement: unknown[] } }[] } })
    ?.Properties?.Policies;
  policies?.[0]?.PolicyDocument.Statement.push({ ...statement, Resource: { "Fn::Sub": statement.Resource } });
}

interface StackAlarm {
  logicalId: string;
  resource: { Type: "AWS::CloudWatch::Alarm"; Properties: Record<string, unknown> };
}

/** Every alarm of the stack, all notifying the watchdog topic on ALARM and on OK. */
export function stackAlarms(config: StageConfig): StackAlarm[] {
  const stage = config.stage;
  const driven = eventDrivenFunctions(config);
  if (driven.length === 0) return [];
  const deployed = [
    ...driven.map((d) => d.fn),
    "override",
    "status",
    ...(config.slackChatops ? ["slack-chatops"] : []),
    "watchdog",
  ];
  const alarms: StackAlarm[] = [];
  const add = (logicalId: string, name: string, description: string, props: Record<string, unknown>) =>
    alarms.push({
      logicalId,
      resource: {
        Type: "AWS::CloudWatch::Alarm",
        Properties: {
          AlarmName: `${SERVICE}-${stage}-${name}`,
          AlarmDescription: description,
          ActionsEnabled: true,
          AlarmActions: [{ Ref: WATCHDOG_TOPIC }],
          OKActions: [{ Ref: WATCHDOG_TOPIC }],
          ...props,
        },
      },
    });
  for (const fn of deployed) {
    const id = pascal(fn);
    const dimensions = [{ Name: "FunctionName", Value: functionName(stage, fn) }];
    add(`${id}ErrorsAlarm`, `${fn}-errors`, `${fn} failed (threw) at least once in 5 minutes`, {
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: dimensions,
      Statistic: "Sum",
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
    // Reserved concurrency 1 queues bursts (Lambda retries throttled async events): only throttling
    // that lasts 15 minutes means a schedule or an alarm is being starved.
    add(
      `${id}ThrottlesAlarm`,
      `${fn}-throttles`,
      `${fn} throttled in each of 3 consecutive 5-minute periods`,
      {
        Namespace: "AWS/Lambda",
        MetricName: "Throttles",
        Dimensions: dimensions,
        Statistic: "Sum",
        Period: 300,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
      },
    );
  }
  for (const fn of [...driven.map((d) => d.fn), "override"]) {
    add(
      `${pascal(fn)}SlackUnavailableAlarm`,
      `${fn}-slack-unavailable`,
      `${fn} runs without Slack (its token parameter cannot be read): its decisions are only logged`,
      {
        Namespace: METRIC_NAMESPACE,
        MetricName: SLACK_UNAVAILABLE_METRIC,
        Dimensions: [{ Name: "Automation", Value: fn }],
        Statistic: "Sum",
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
      },
    );
  }
  for (const { fn, schedule } of driven.filter((d) => d.decidesEveryRun)) {
    const period = schedulePeriodSeconds(schedule);
    // A cron schedule has no fixed period, and CloudWatch evaluates at most a day: those automations
    // keep their Errors alarm only (see the README).
    if (period === undefined || period * HEARTBEAT_PERIODS > MAX_ALARM_WINDOW_SECONDS) continue;
    add(
      `${pascal(fn)}HeartbeatAlarm`,
      `${fn}-heartbeat`,
      `${fn} made no successful decision in ${HEARTBEAT_PERIODS} schedule periods (${schedule}): its schedule stopped or every run fails`,
      {
        Namespace: METRIC_NAMESPACE,
        MetricName: "Succeeded",
        Dimensions: [{ Name: "Automation", Value: fn }],
        Statistic: "Sum",
        Period: period,
        EvaluationPeriods: HEARTBEAT_PERIODS,
        DatapointsToAlarm: HEARTBEAT_PERIODS,
        Threshold: 1,
        ComparisonOperator: "LessThanThreshold",
        // No decision at all is exactly what this alarm is for.
        TreatMissingData: "breaching",
      },
    );
  }
  add(
    "FailedEventsWaitingAlarm",
    "failed-events-waiting",
    "Failed events wait in the on-failure queue: see `autopilot status`, fix, then `autopilot redrive`",
    {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: failedEventsQueueName(stage) }],
      Statistic: "Maximum",
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    },
  );
  return alarms;
}

/** rate(N unit) in seconds; undefined for cron(...). */
export function schedulePeriodSeconds(schedule: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!match) return undefined;
  const unit = match[2]?.startsWith("minute") ? 60 : match[2]?.startsWith("hour") ? 3_600 : 86_400;
  return Number(match[1]) * unit;
}

const pascal = (name: string) =>
  name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
