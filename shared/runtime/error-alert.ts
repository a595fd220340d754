import type middy from "@middy/core";
import { type AutopilotError, describeError } from "../errors";
import type { Logger } from "./logger";

/**
 * Middy middleware: a failed invocation is logged with its cause and reported to Slack (best effort),
 * then rethrown so the Lambda runtime marks it failed (and retries async invocations).
 */
export function errorAlert(options: {
  automation: string;
  logger: () => Logger;
  alert?: (text: string) => Promise<unknown>;
  /** Errors the caller already sees (an operator's invalid request) are logged, not posted. */
  alertable?: (error: unknown) => boolean;
}): middy.MiddlewareObj {
  return {
    onError: async (request) => {
      const error = describeError(request.error);
      const retryable = (request.error as Partial<AutopilotError>)?.retryable ?? true;
      options.logger().error("invocation failed", { automation: options.automation, error, retryable });
      if (options.alertable && !options.alertable(request.error)) return;
      await options
        .alert?.(`:rotating_light: ${options.automation} failed — ${error.name}: ${error.message}`)
        .catch(() => undefined);
    },
  };
}
