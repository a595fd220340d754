import { EC2Client } from "@aws-sdk/client-ec2";
import type { Context } from "aws-lambda";
import type { FlowControlRuntime } from "../functions/flow-control/deps";
import { createHandler as createFlowControlHandler } from "../functions/flow-control/handler";
import type { OriginBalancerRuntime } from "../functions/origin-balancer/deps";
import { createHandler as createBalancerHandler } from "../functions/origin-balancer/handler";
import {
  createCloudFrontMetricsClient,
  createCloudWatchClient,
  createEc2Client,
  createRoute53Client,
  createSsmClient,
} from "../shared/adapters/aws/clients";
import { createCloudWatchAlarmStates } from "../shared/adapters/aws/cloudwatch-alarm-states";
import { createCloudWatchCdnMetrics } from "../shared/adapters/aws/cloudwatch-cdn-metrics";
import { createEc2FleetInventory } from "../shared/adapters/aws/ec2-fleet-inventory";
import { createRoute53WeightedRecords } from "../shared/adapters/aws/route53-weighted-records";
import { createSsmFleetCommands } from "../shared/adapters/aws/ssm-fleet-commands";
import { createSsmOverrideStore } from "../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../shared/adapters/aws/ssm-state-store";
import { createSlackClient } from "../shared/adapters/slack/slack-client";
import { createSlackNotifier } from "../shared/adapters/slack/slack-notifier";
import { parseStageConfig, type StageConfig } from "../shared/config/stage-config";
import { createLogger, type Logger } from "../shared/runtime/logger";

/**
 * The real handlers, wired the way test/integration wires them: the same createHandler and adapters as
 * production, with SDK clients pointed at local endpoints (moto, the Run Command stand-in, a counting
 * proxy) and explicit dummy credentials, so a benchmark can never reach a real account.
 */
export interface Endpoints {
  /** SSM: parameters and Run Command (the stand-in forwards parameters to moto). */
  ssm: string;
  /** Everything else: EC2, Route 53, CloudWatch. */
  aws: string;
  slackApiUrl: string;
}

export type Invoke<T> = (event: unknown) => Promise<T>;

export interface WiringOptions {
  /**
   * The Lambda time the invocation gets: 60 s like the deployed functions by default. The scale bench
   * gives more so that a slow run is measured to its end and compared with the goal, not cut off.
   */
  timeoutMs?: number;
  /**
   * EC2 with a 60 s request timeout instead of production's 5 s: moto renders DescribeInstances of 1,000
   * instances in 6-12 s on two busy cores (AWS answers in well under a second).
   */
  slowEc2?: boolean;
}

/** The invocation's Lambda context and the adapters' deadline (time left minus a recording margin). */
function timing(options: WiringOptions) {
  const timeoutMs = options.timeoutMs ?? 60_000;
  let started = Date.now();
  const context = { getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started) } as Context;
  const deadline = () => new Date(started + timeoutMs - 8_000);
  return { context, deadline, restart: () => (started = Date.now()) };
}

const clientOptions = (endpoint: string) => ({
  region: "eu-west-1",
  endpoint,
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
});

function base(stageYaml: string, endpoints: Endpoints) {
  const config = parseStageConfig(stageYaml, "bench.yml");
  const ssm = createSsmClient(clientOptions(endpoints.ssm));
  // Decisions are logged as in production, but not printed: the bench prints its own summary.
  const logger: Logger = createLogger({ write: () => {} });
  const notifier = createSlackNotifier(
    createSlackClient("xoxb-bench-token", 2_000, endpoints.slackApiUrl),
    config.slack.channel,
    logger,
  );
  const env = { stage: config.stage, configFile: "bench.yml", logLevel: "info" as const };
  return { config, ssm, logger, notifier, env };
}

function section<K extends "flowControl" | "originBalancer">(config: StageConfig, key: K) {
  const value = config[key];
  if (value === undefined || value === null) throw new Error(`bench stage has no ${key} section`);
  return value as NonNullable<StageConfig[K]>;
}

export function flowControlHandler<T>(
  stageYaml: string,
  endpoints: Endpoints,
  options: WiringOptions = {},
): Invoke<T> {
  const { context, deadline, restart } = timing(options);
  const { config, ssm, logger, notifier, env } = base(stageYaml, endpoints);
  const flowControl = section(config, "flowControl");
  const ec2 = options.slowEc2
    ? new EC2Client({
        ...clientOptions(endpoints.aws),
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 2_000, requestTimeout: 60_000, throwOnRequestTimeout: true },
      })
    : createEc2Client(clientOptions(endpoints.aws));
  const alarms = createCloudWatchAlarmStates(createCloudWatchClient(clientOptions(endpoints.aws)));
  const runtime: FlowControlRuntime = {
    config: flowControl,
    base: { env, config, logger, ssm, notifier },
    deps: () => ({
      inventory: createEc2FleetInventory(ec2, { deadline }),
      alarms,
      commands: createSsmFleetCommands(ssm, {
        ...flowControl.commands,
        documentName: flowControl.documentName,
        deadline,
      }),
      state: createSsmStateStore(ssm, config.parameterPrefix),
      overrides: createSsmOverrideStore(
        ssm,
        config.parameterPrefix,
        createSsmStateStore(ssm, config.parameterPrefix),
      ),
      notifier,
      logger,
      now: () => new Date(),
      deadline,
    }),
  };
  const handler = createFlowControlHandler(async () => runtime);
  return (event) => {
    restart();
    return handler(event, context) as Promise<T>;
  };
}

export function balancerHandler<T>(
  stageYaml: string,
  endpoints: Endpoints,
  now: () => Date,
  options: WiringOptions = {},
): Invoke<T> {
  const { context, deadline, restart } = timing(options);
  const { config, ssm, logger, notifier, env } = base(stageYaml, endpoints);
  const balancer = section(config, "originBalancer");
  const metrics = createCloudWatchCdnMetrics(createCloudFrontMetricsClient(clientOptions(endpoints.aws)));
  const route53 = createRoute53Client(clientOptions(endpoints.aws));
  const state = createSsmStateStore(ssm, config.parameterPrefix);
  const runtime: OriginBalancerRuntime = {
    config: balancer,
    base: { env, config, logger, ssm, notifier },
    deps: () => ({
      metrics,
      records: createRoute53WeightedRecords(route53, { deadline }),
      state,
      overrides: createSsmOverrideStore(ssm, config.parameterPrefix, state),
      notifier,
      logger,
      now,
      deadline,
    }),
  };
  const handler = createBalancerHandler(async () => runtime);
  return (event) => {
    restart();
    return handler(event, context) as Promise<T>;
  };
}
