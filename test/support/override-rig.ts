import type { SSMClient } from "@aws-sdk/client-ssm";
import type { WebClient } from "@slack/web-api";
import type { Context } from "aws-lambda";
import { buildOverrideRuntime, type OverrideRuntime } from "../../functions/override/deps";
import { createHandler } from "../../functions/override/handler";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import type { StageConfig } from "../../shared/config/stage-config";
import type { OverrideResponse } from "../../shared/overrides/apply-override";
import type { AutomationInvoker } from "../../shared/ports/automation-invoker";
import { createLogger } from "../../shared/runtime/logger";

/**
 * The real override handler on a stage, at a clock, with the sibling functions it hands work to given
 * as an in-process invoker (what a Lambda invoke would reach). The caller identity rides in the client
 * context, as the CLI sends it.
 */
export function overrideCaller(options: {
  config: StageConfig;
  ssm: SSMClient;
  slack: WebClient;
  invoker?: AutomationInvoker;
}) {
  const { config, ssm } = options;
  const logger = createLogger({ write: () => undefined });
  const notifier = createSlackNotifier(options.slack, config.slack.channel, logger);
  const base = {
    env: { stage: config.stage, configFile: "test.yml", logLevel: "info" as const },
    config,
    logger,
    ssm,
    notifier,
  };
  const invoker = options.invoker ?? { invoke: () => Promise.reject(new Error("no delegate in this test")) };
  return (now: Date, payload: Record<string, unknown>, author = "alice"): Promise<OverrideResponse> => {
    // The function's own wiring, with the test's clock and no delegate to other functions.
    const wired = buildOverrideRuntime(base, { aws: { region: config.region }, now: () => now });
    const runtime: OverrideRuntime = { ...wired, deps: (c) => ({ ...wired.deps(c), invoker }) };
    const context = {
      awsRequestId: `req-${author}-${now.getTime()}`,
      clientContext: { custom: { invoker: `arn:aws:iam::123456789012:user/${author}` } },
      getRemainingTimeInMillis: () => 60_000,
    } as unknown as Context;
    return createHandler(async () => runtime)(
      { author, reason: "game day drill", ...payload },
      context,
    ) as Promise<OverrideResponse>;
  };
}
