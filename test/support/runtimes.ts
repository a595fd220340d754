import type { SSMClient } from "@aws-sdk/client-ssm";
import type { WebClient } from "@slack/web-api";
import type { Context } from "aws-lambda";
import type { CanaryRuntime } from "../../functions/canary/deps";
import type { CertRotationRuntime } from "../../functions/cert-rotation/deps";
import type { FlowControlRuntime } from "../../functions/flow-control/deps";
import type { OriginBalancerRuntime } from "../../functions/origin-balancer/deps";
import type { SlackSink } from "../../sandbox/servers/slack-sink";
import { createAcmCertificates } from "../../shared/adapters/aws/acm-certificates";
import {
  type ClientOptions,
  createAcmClient,
  createCloudFrontMetricsClient,
  createCloudWatchClient,
  createEc2Client,
  createElbv2Client,
  createRoute53Client,
  createSsmClient,
} from "../../shared/adapters/aws/clients";
import { createCloudWatchAlarmStates } from "../../shared/adapters/aws/cloudwatch-alarm-states";
import { createCloudWatchCdnMetrics } from "../../shared/adapters/aws/cloudwatch-cdn-metrics";
import { createEc2FleetInventory } from "../../shared/adapters/aws/ec2-fleet-inventory";
import { createElbv2ListenerRules } from "../../shared/adapters/aws/elbv2-listener-rules";
import { createElbv2LoadBalancers } from "../../shared/adapters/aws/elbv2-load-balancers";
import { createElbv2TargetHealth } from "../../shared/adapters/aws/elbv2-target-health";
import { createRoute53AliasPointer } from "../../shared/adapters/aws/route53-alias-pointer";
import { createRoute53WeightedRecords } from "../../shared/adapters/aws/route53-weighted-records";
import { createSsmFleetCommands } from "../../shared/adapters/aws/ssm-fleet-commands";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import { type ColdStart, requireSection } from "../../shared/bootstrap";
import { parseStageConfig, type StageConfig } from "../../shared/config/stage-config";
import { createLogger } from "../../shared/runtime/logger";

/** A Lambda context with a minute left: deadlines in tests come from `deadlineMs` instead. */
export const lambdaContext = { getRemainingTimeInMillis: () => 60_000 } as Context;

/** A Slack client as the functions build it, pointed at the sink (2 s timeout unless told). */
export function sinkSlackClient(sink: SlackSink, timeoutMs = 2_000): WebClient {
  return createSlackClient("xoxb-test-token", timeoutMs, sink.apiUrl);
}

/** What `coldStart` builds, from stage text instead of a file and with the SSM and Slack clients given. */
export interface ColdStartOptions {
  stage: string | StageConfig;
  /** The SSM client of the cold start (state, overrides, commands), or SDK options to build it from. */
  ssm: SSMClient | ClientOptions;
  slack: WebClient;
  /** Where log lines go; dropped when absent. */
  write?: (line: string) => void;
}

export function testColdStart(options: ColdStartOptions): ColdStart {
  const config =
    typeof options.stage === "string" ? parseStageConfig(options.stage, "test.yml") : options.stage;
  const logger = createLogger({ write: options.write ?? (() => undefined) });
  const ssm = "send" in options.ssm ? options.ssm : createSsmClient(options.ssm);
  return {
    env: { stage: config.stage, configFile: "test.yml", logLevel: "info" },
    config,
    logger,
    ssm,
    notifier: createSlackNotifier(options.slack, config.slack.channel, logger),
  };
}

/** What one invocation sees: where its non-SSM clients point, its clock, and its AWS work budget. */
export interface InvocationOptions {
  /** SDK options for every client except SSM, which is the cold start's. */
  aws: ClientOptions;
  now?: () => Date;
  /** The AWS work deadline, counted from each call of `deadline` (default 30 s). */
  deadlineMs?: number;
  /** How often the DNS adapters poll for INSYNC (the adapters' default when absent). */
  pollIntervalMs?: number;
}

export type RuntimeOptions = ({ base: ColdStart } | ColdStartOptions) & InvocationOptions;

function common(options: RuntimeOptions) {
  const base = "base" in options ? options.base : testColdStart(options);
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const budget = options.deadlineMs ?? 30_000;
  return {
    base,
    deadline: () => new Date(Date.now() + budget),
    poll: options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs },
    shared: {
      state,
      overrides: createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state),
      notifier: base.notifier,
      logger: base.logger,
      now: options.now ?? (() => new Date()),
    },
  };
}

/** The origin balancer's runtime as functions/origin-balancer/deps.ts builds it, on the given endpoints. */
export function balancerRuntime(options: RuntimeOptions): OriginBalancerRuntime {
  const { base, deadline, poll, shared } = common(options);
  const metrics = createCloudWatchCdnMetrics(createCloudFrontMetricsClient(options.aws));
  const route53 = createRoute53Client(options.aws);
  return {
    config: requireSection(base, "originBalancer"),
    base,
    deps: () => ({
      ...shared,
      metrics,
      records: createRoute53WeightedRecords(route53, { deadline, ...poll }),
      deadline,
    }),
  };
}

/** Flow control's runtime as functions/flow-control/deps.ts builds it: commands go through the base SSM. */
export function flowControlRuntime(options: RuntimeOptions): FlowControlRuntime {
  const { base, deadline, shared } = common(options);
  const config = requireSection(base, "flowControl");
  const ec2 = createEc2Client(options.aws);
  const alarms = createCloudWatchAlarmStates(createCloudWatchClient(options.aws));
  return {
    config,
    base,
    deps: () => ({
      ...shared,
      alarms,
      inventory: createEc2FleetInventory(ec2, { deadline }),
      commands: createSsmFleetCommands(base.ssm, {
        ...config.commands,
        documentName: config.documentName,
        deadline,
      }),
      deadline,
    }),
  };
}

/** Certificate rotation's runtime as functions/cert-rotation/deps.ts builds it. */
export function certRotationRuntime(options: RuntimeOptions): CertRotationRuntime {
  const { base, deadline, poll, shared } = common(options);
  const elbv2 = createElbv2Client(options.aws);
  const acm = createAcmClient(options.aws);
  const route53 = createRoute53Client(options.aws);
  return {
    config: requireSection(base, "certRotation"),
    base,
    deps: () => ({
      ...shared,
      balancers: createElbv2LoadBalancers(elbv2, { deadline }),
      certificates: createAcmCertificates(acm, { deadline }),
      dns: createRoute53AliasPointer(route53, { deadline, ...poll }),
      deadline,
    }),
  };
}

/** The canary's runtime as functions/canary/deps.ts builds it. */
export function canaryRuntime(options: RuntimeOptions): CanaryRuntime {
  const { base, deadline, shared } = common(options);
  const elbv2 = createElbv2Client(options.aws);
  const alarms = createCloudWatchAlarmStates(createCloudWatchClient(options.aws));
  const health = createElbv2TargetHealth(elbv2);
  return {
    config: requireSection(base, "canary"),
    base,
    deps: () => ({ ...shared, rules: createElbv2ListenerRules(elbv2, { deadline }), alarms, health }),
  };
}

/** The function's real handler on a runtime built by the test, invoked with `lambdaContext`. */
export function handlerFor<Runtime, Output>(
  createHandler: (runtime: () => Promise<Runtime>) => (event: unknown, context: Context) => Promise<Output>,
  runtime: Runtime,
): (event: unknown) => Promise<Output> {
  const handler = createHandler(async () => runtime);
  return (event) => handler(event, lambdaContext);
}
