import type { SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { readSlashCommand } from "../../cli/slack-grammar";
import type { OverrideRuntime } from "../../functions/override/deps";
import { createHandler as createOverrideHandler } from "../../functions/override/handler";
import type { SlackChatopsRuntime } from "../../functions/slack-chatops/deps";
import { createHandler as createChatopsHandler } from "../../functions/slack-chatops/handler";
import type { SlackSink } from "../../sandbox/servers/slack-sink";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmReplayGuard } from "../../shared/adapters/aws/ssm-replay-guard";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { createResponseUrlResponder } from "../../shared/adapters/http/slack-response-url";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import type { StageConfig } from "../../shared/config/stage-config";
import type { SlackOverrideEnvelope } from "../../shared/overrides/slack-override-envelope";
import { createLogger } from "../../shared/runtime/logger";
import type { HttpAnswer } from "../../shared/slack-chatops/answer-slack";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

/**
 * The slack-chatops function and the override function it queues work for, as deployed but in-process:
 * the real handlers on moto and the Slack sink. The dispatch stands in for Lambda's asynchronous invoke
 * (the event is accepted at once and run afterwards); `settle()` waits for the queued runs.
 */
export function slackChatopsRig(options: {
  config: StageConfig;
  ssm: SSMClient;
  sink: SlackSink;
  /** The override function's clock (plans expire): defaults to now. */
  now?: () => Date;
  logLines?: string[];
}) {
  const { config, ssm, sink } = options;
  const logger = createLogger({ write: (line) => options.logLines?.push(line) });
  const notifier = createSlackNotifier(
    createSlackClient("xoxb-test", 2_000, sink.apiUrl),
    config.slack.channel,
    logger,
  );
  const base = {
    env: { stage: config.stage, configFile: "test.yml", logLevel: "info" as const },
    config,
    logger,
    ssm,
    notifier,
  };
  const state = createSsmStateStore(ssm, config.parameterPrefix);
  const sinkUrl = sink.responseUrl("");
  const allowResponseUrl = (url: string) => url.startsWith(sinkUrl);
  const overrideRuntime: OverrideRuntime = {
    config,
    base,
    deps: () => ({
      overrides: createSsmOverrideStore(ssm, config.parameterPrefix, state),
      state,
      invoker: { invoke: () => Promise.reject(new Error("no delegate in this test")) },
      notifier,
      logger,
      now: options.now ?? (() => new Date()),
      slackResponder: createResponseUrlResponder({ allow: allowResponseUrl, timeoutMs: 2_000 }),
    }),
  };
  const override = createOverrideHandler(async () => overrideRuntime);
  const queued: Promise<unknown>[] = [];
  const dispatched: SlackOverrideEnvelope[] = [];
  const section = config.slackChatops;
  if (section === undefined) throw new Error("the rig's stage needs a slackChatops section");
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const chatopsRuntime: SlackChatopsRuntime = {
    config: section,
    base,
    deps: () => ({
      signingSecret: SIGNING_SECRET,
      replay: createSsmReplayGuard(ssm, config.parameterPrefix, logger, nowSeconds),
      dispatcher: {
        async dispatch(envelope) {
          dispatched.push(envelope);
          const payload = JSON.parse(JSON.stringify(envelope)) as unknown;
          const context = {
            awsRequestId: `async-${dispatched.length}`,
            getRemainingTimeInMillis: () => 60_000,
          };
          // Lambda stores the event and answers 202; the run starts afterwards, on its own.
          queued.push(
            new Promise((resolve) => setImmediate(resolve)).then(() =>
              override(payload, context as unknown as Context),
            ),
          );
        },
      },
      readSlash: readSlashCommand,
      allowResponseUrl,
      logger,
      nowSeconds,
    }),
  };
  const chatops = createChatopsHandler(async () => chatopsRuntime);
  return {
    dispatched,
    /** One request to the function URL: the answer and how long it took to come back. */
    async send(
      event: unknown,
    ): Promise<{ answer: HttpAnswer; ms: number; text: string; responseType: string }> {
      const started = performance.now();
      const answer = (await chatops(event, {
        getRemainingTimeInMillis: () => 10_000,
      } as Context)) as HttpAnswer;
      const ms = performance.now() - started;
      const body = JSON.parse(answer.body) as { text: string; response_type: string };
      return { answer, ms, text: body.text, responseType: body.response_type };
    },
    /** Waits for every queued override run; their results, in order. */
    async settle(): Promise<unknown[]> {
      return Promise.all(queued.splice(0).map((p) => p.catch((error: unknown) => ({ thrown: error }))));
    },
    /** The override function as the CLI invokes it (same handler, plain payload). */
    cli(payload: Record<string, unknown>): Promise<unknown> {
      const context = {
        awsRequestId: "cli-1",
        clientContext: { custom: { invoker: "arn:aws:iam::123456789012:user/bob" } },
        getRemainingTimeInMillis: () => 60_000,
      };
      return override(payload, context as unknown as Context);
    },
  };
}
