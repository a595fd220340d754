import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { chatMessage } from "../kernel/domain/chat-message";
import type { ColdStart } from "./bootstrap";
import { slackUnavailableMetric } from "./emf";
import { errorAlert } from "./error-alert";
import { createLogger } from "./logger";

/**
 * The one shape every function's handler has: validate the event first (a malformed event must not
 * reach AWS), build the runtime once per cold start (and again after a failed one: bad config or a
 * missing token is retried on the next event), run the workflow, and alert on errors.
 */
export function createFunctionHandler<Runtime extends { base: ColdStart }, Input, Output>(options: {
  automation: string;
  runtime: () => Promise<Runtime>;
  parse: (event: unknown) => Input;
  run: (runtime: Runtime, input: Input, context: Context) => Promise<Output>;
  /** Which failures reach Slack (default: all). */
  alertable?: (error: unknown) => boolean;
}) {
  let cached: Promise<Runtime> | undefined;
  const load = () => {
    cached ??= options.runtime().catch((error) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
  let logger = createLogger({ base: { service: options.automation } });
  return middy<unknown, Output, Error, Context>()
    .use(
      errorAlert({
        automation: options.automation,
        logger: () => logger,
        alert: async (text) => (await load()).base.notifier.post(chatMessage(text, "critical", [])),
        ...(options.alertable ? { alertable: options.alertable } : {}),
      }),
    )
    .handler(async (event, context) => {
      const input = options.parse(event);
      const runtime = await load();
      logger = runtime.base.logger;
      // Slack's token is read (again) here, not at cold start: without it the run goes on log-only.
      const slackDown = await runtime.base.notifier.refresh?.();
      if (slackDown !== undefined) logger.raw(slackUnavailableMetric(options.automation, new Date()));
      return options.run(runtime, input, context);
    });
}
