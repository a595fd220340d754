import { readFileSync } from "node:fs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { createSsmClient } from "../adapters/aws/clients/ssm";
import { readSecret } from "../adapters/aws/ssm-state-store";
import { createLazyNotifier } from "../adapters/slack/lazy-notifier";
import { loadSlackClient } from "../adapters/slack/slack-client-options";
import { createSlackNotifier } from "../adapters/slack/slack-notifier";
import { createTokenNotifier } from "../adapters/slack/token-notifier";
import { readCompiledStageConfig } from "../config/compiled-stage-config";
import type { StageConfig } from "../config/stage-config";
import { InvalidConfigError } from "../errors";
import type { Notifier } from "../ports/notifier";
import { type FunctionEnvironment, readEnvironment } from "./environment";
import { createLogger, type Logger } from "./logger";

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
  // Validated when packaged; only its shape is checked here (no YAML parser, no schema at cold start).
  const config = readCompiledStageConfig(readFileSync(env.configFile, "utf8"), env.configFile);
  // The stage file was checked against the stage it is packaged as; this catches a bundle or CONFIG_FILE
  // pointed at another stage's compiled config (its permissions and names would be another stage's).
  if (config.stage !== env.stage) {
    throw new InvalidConfigError(env.configFile, [
      `stage: the config is stage "${config.stage}" but this function is deployed as stage "${env.stage}"`,
    ]);
  }
  const logger = createLogger({ base: { service, stage: config.stage }, level: env.logLevel });
  const ssm = createSsmClient({ region: config.region });
  const notifier = slackNotifierFromParameter(ssm, config, logger, env.slackApiUrl);
  return { env, config, logger, ssm, notifier };
}

/**
 * The stage's Slack notifier, its token read from SSM when first needed: a missing or unreadable token
 * leaves the function running with log-only messages (and the Decision saying so) instead of failing
 * every cold start before it reads any state.
 */
export function slackNotifierFromParameter(
  ssm: SSMClient,
  config: Pick<StageConfig, "slack">,
  logger: Logger,
  slackApiUrl?: string,
): Notifier {
  return createTokenNotifier({
    tokenParameter: config.slack.tokenParameter,
    readToken: () => readSecret(ssm, config.slack.tokenParameter),
    // The Slack client is built when the first message is posted, not with the token.
    connect: (token) =>
      createLazyNotifier(async () =>
        createSlackNotifier(
          await loadSlackClient(token, config.slack.timeoutMs, slackApiUrl),
          config.slack.channel,
          logger,
        ),
      ),
    logger,
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
