import { readSlashCommand } from "../../cli/slack-grammar";
import { createLambdaClient } from "../../shared/adapters/aws/clients/lambda";
import { createLambdaOverrideDispatcher } from "../../shared/adapters/aws/lambda-override-dispatcher";
import { createSsmReplayGuard } from "../../shared/adapters/aws/ssm-replay-guard";
import { readSecret } from "../../shared/adapters/aws/ssm-state-store";
import { coldStart, type FunctionRuntime, requireSection } from "../../shared/runtime/bootstrap";
import type { SlackChatopsDeps } from "../../shared/slack-chatops/answer-slack";
import type { SlackChatopsConfig } from "../../shared/slack-chatops/config";
import { responseUrlPolicy } from "../../shared/slack-chatops/slack-interaction";
import { SERVICE } from "../override/deps";

export type SlackChatopsRuntime = FunctionRuntime<SlackChatopsConfig, SlackChatopsDeps>;

/** Built once per cold start: the signing secret is read once, never logged. */
export async function createSlackChatopsRuntime(): Promise<SlackChatopsRuntime> {
  const base = await coldStart("slack-chatops");
  const config = requireSection(base, "slackChatops");
  const signingSecret = await readSecret(base.ssm, config.signingSecretParameter);
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const deps: SlackChatopsDeps = {
    signingSecret,
    replay: createSsmReplayGuard(base.ssm, base.config.parameterPrefix, base.logger, nowSeconds),
    dispatcher: createLambdaOverrideDispatcher(
      createLambdaClient({ region: base.config.region }),
      SERVICE,
      base.config.stage,
    ),
    readSlash: readSlashCommand,
    allowResponseUrl: responseUrlPolicy(base.env.slackApiUrl),
    logger: base.logger,
    nowSeconds,
  };
  return { config, base, deps: () => deps };
}
