import type { Context } from "aws-lambda";
import { buildFlowControlRuntime } from "../functions/flow-control/deps";
import { createHandler as createFlowControlHandler } from "../functions/flow-control/handler";
import { buildOriginBalancerRuntime } from "../functions/origin-balancer/deps";
import { createHandler as createBalancerHandler } from "../functions/origin-balancer/handler";
import { createSsmClient } from "../shared/adapters/aws/clients/ssm";
import { createSlackClient } from "../shared/adapters/slack/slack-client";
import { createSlackNotifier } from "../shared/adapters/slack/slack-notifier";
import { parseStageConfig } from "../shared/config/stage-config";
import type { ColdStart } from "../shared/runtime/bootstrap";
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

function base(stageYaml: string, endpoints: Endpoints): ColdStart {
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

export function flowControlHandler<T>(
  stageYaml: string,
  endpoints: Endpoints,
  options: WiringOptions = {},
): Invoke<T> {
  const { context, deadline, restart } = timing(options);
  const runtime = buildFlowControlRuntime(base(stageYaml, endpoints), {
    aws: clientOptions(endpoints.aws),
    ...(options.slowEc2
      ? { ec2: { ...clientOptions(endpoints.aws), requestTimeoutMs: 60_000, maxAttempts: 1 } }
      : {}),
    deadline: () => deadline,
  });
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
  const runtime = buildOriginBalancerRuntime(base(stageYaml, endpoints), {
    aws: clientOptions(endpoints.aws),
    now,
    deadline: () => deadline,
  });
  const handler = createBalancerHandler(async () => runtime);
  return (event) => {
    restart();
    return handler(event, context) as Promise<T>;
  };
}
