import type { SSMClient } from "@aws-sdk/client-ssm";
import type { WebClient } from "@slack/web-api";
import type { Context } from "aws-lambda";
import { buildCanaryRuntime, type CanaryRuntime } from "../../functions/canary/deps";
import { buildCertRotationRuntime, type CertRotationRuntime } from "../../functions/cert-rotation/deps";
import { buildFlowControlRuntime, type FlowControlRuntime } from "../../functions/flow-control/deps";
import { buildOriginBalancerRuntime, type OriginBalancerRuntime } from "../../functions/origin-balancer/deps";
import type { SlackSink } from "../../sandbox/servers/slack-sink";
import type { ClientOptions } from "../../shared/adapters/aws/clients/options";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import { parseStageConfig, type StageConfig } from "../../shared/config/stage-config";
import type { ColdStart } from "../../shared/runtime/bootstrap";
import { createLogger } from "../../shared/runtime/logger";
import type { Wiring } from "../../shared/runtime/wiring";

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

/** The wiring a test gives the function's own deps.ts: its endpoints, its clock and its AWS budget. */
function wiringOf(options: RuntimeOptions): { base: ColdStart; wiring: Wiring } {
  const base = "base" in options ? options.base : testColdStart(options);
  const budget = options.deadlineMs ?? 30_000;
  return {
    base,
    wiring: {
      aws: options.aws,
      ...(options.now ? { now: options.now } : {}),
      deadline: () => () => new Date(Date.now() + budget),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    },
  };
}

/** The origin balancer's runtime, built by functions/origin-balancer/deps.ts on the given endpoints. */
export function balancerRuntime(options: RuntimeOptions): OriginBalancerRuntime {
  const { base, wiring } = wiringOf(options);
  return buildOriginBalancerRuntime(base, wiring);
}

/** Flow control's runtime, built by functions/flow-control/deps.ts: commands go through the base SSM. */
export function flowControlRuntime(options: RuntimeOptions): FlowControlRuntime {
  const { base, wiring } = wiringOf(options);
  return buildFlowControlRuntime(base, wiring);
}

/** Certificate rotation's runtime, built by functions/cert-rotation/deps.ts. */
export function certRotationRuntime(options: RuntimeOptions): CertRotationRuntime {
  const { base, wiring } = wiringOf(options);
  return buildCertRotationRuntime(base, wiring);
}

/** The canary's runtime, built by functions/canary/deps.ts. */
export function canaryRuntime(options: RuntimeOptions): CanaryRuntime {
  const { base, wiring } = wiringOf(options);
  return buildCanaryRuntime(base, wiring);
}

/** The function's real handler on a runtime built by the test, invoked with `lambdaContext`. */
export function handlerFor<Runtime, Output>(
  createHandler: (runtime: () => Promise<Runtime>) => (event: unknown, context: Context) => Promise<Output>,
  runtime: Runtime,
): (event: unknown) => Promise<Output> {
  const handler = createHandler(async () => runtime);
  return (event) => handler(event, lambdaContext);
}
