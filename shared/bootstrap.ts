import { readFileSync } from "node:fs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { LogLevel, WebClient } from "@slack/web-api";
import type { Context } from "aws-lambda";
import { createSsmClient } from "./adapters/aws/clients";
import { readSecret } from "./adapters/aws/ssm-state-store";
import { createSlackNotifier } from "./adapters/slack/slack-notifier";
import { parseStageConfig, type StageConfig } from "./config/stage-config";
import { InvalidConfigError } from "./errors";
import type { Notifier } from "./ports/notifier";
import { type FunctionEnvironment, readEnvironment } from "./runtime/environment";
import { createLogger, type Logger } from "./runtime/logger";

/** What every function builds once per cold start: environment, validated config, logger, SSM, Slack. */
export interface ColdStart {
  env: FunctionEnvironment;
  config: StageConfig;
  logger: Logger;
  ssm: SSMClient;
  notifier: Notifier;
}

export async function coldStart(
  service: string,
  processEnv: NodeJS.ProcessEnv = process.env,
): Promise<ColdStart> {
  const env = readEnvironment(processEnv);
  const config = parseStageConfig(readFileSync(env.configFile, "utf8"), env.configFile, {
    expectedStage: env.stage,
  });
  const logger = createLogger({ base: { service, stage: config.stage }, level: env.logLevel });
  const ssm = createSsmClient({ region: config.region });
  const token = await readSecret(ssm, config.slack.tokenParameter);
  const notifier = createSlackNotifier(
    createSlackClient(token, config.slack.timeoutMs, env.slackApiUrl),
    config.slack.channel,
    logger,
  );
  return { env, config, logger, ssm, notifier };
}

/**
 * A Slack client that gives up quickly: one retry, short timeouts, rate-limited calls rejected instead
 * of waited out. Its default retry policy keeps trying for 30 minutes, longer than any Lambda lives.
 */
export function createSlackClient(token: string, timeoutMs: number, slackApiUrl?: string): WebClient {
  return new WebClient(token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    timeout: timeoutMs,
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300, randomize: true },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
}

/** What a function builds once per cold start: its config section, and its ports for one invocation. */
export interface FunctionRuntime<Config, Deps> {
  config: Config;
  deps: (context: Pick<Context, "getRemainingTimeInMillis">) => Deps;
  base: ColdStart;
}

/** The function's own section of the stage config; a deployed function without one is a config error. */
export function requireSection<
  K extends Exclude<keyof StageConfig, "stage" | "region" | "parameterPrefix" | "slack">,
>(base: ColdStart, key: K): NonNullable<StageConfig[K]> {
  const section = base.config[key];
  if (section === undefined || section === null) {
    throw new InvalidConfigError(base.env.configFile, [
      `${key}: section missing but the function is deployed`,
    ]);
  }
  return section as NonNullable<StageConfig[K]>;
}

/**
 * When the invocation's AWS work must be done: the Lambda time left minus a margin for recording the
 * decision (log, state, Slack) afterwards. Retries and polls never start past it.
 */
export function invocationDeadline(
  context: Pick<Context, "getRemainingTimeInMillis">,
  recordMarginMs: number,
): () => Date {
  return () => new Date(Date.now() + context.getRemainingTimeInMillis() - recordMarginMs);
}
