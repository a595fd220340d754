import type middy from "@middy/core";
import { type AutopilotError, describeError, InvalidEventError } from "../errors";
import type { Logger } from "./logger";

/** What a handler returns for an event it can never process: Lambda sees success and does not retry. */
export interface RejectedEvent {
  rejected: true;
  error: { name: string; message: string; cause?: string };
}

/**
 * Middy middleware: a failed invocation is logged with its cause and reported to Slack (best effort).
 * A malformed event from an asynchronous trigger (SNS, EventBridge) is then returned as a
 * RejectedEvent: rethrown, Lambda would run it twice more and alert three times for one bad message,
 * and retrying cannot fix it. Every other error is rethrown so the Lambda runtime marks the invocation
 * failed (async events are retried, then kept on the on-failure queue for `autopilot redrive`); a
 * synchronous caller (CLI, override) always gets the error itself.
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
      const rejected = request.error instanceof InvalidEventError && arrivedAsynchronously(request.event);
      const retryable = rejected ? false : ((request.error as Partial<AutopilotError>)?.retryable ?? true);
      options.logger().error(rejected ? "event rejected, not retried" : "invocation failed", {
        automation: options.automation,
        error,
        retryable,
      });
      if (!options.alertable || options.alertable(request.error)) {
        const what = rejected ? "rejected an event (not retried)" : "failed";
        await options
          .alert?.(`:rotating_light: ${options.automation} ${what} — ${error.name}: ${error.message}`)
          .catch(() => undefined);
      }
      if (rejected) request.response = { rejected: true, error } satisfies RejectedEvent;
    },
  };
}

/**
 * SNS and EventBridge invoke asynchronously and always wrap what they deliver in their own envelope,
 * however malformed the content; manual and function-to-function invokes are synchronous.
 */
export function arrivedAsynchronously(event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  const e = event as Record<string, unknown>;
  if (typeof e.source === "string" && typeof e["detail-type"] === "string") return true;
  const records = e.Records;
  return (
    Array.isArray(records) &&
    records.some(
      (r) => typeof r === "object" && r !== null && (r as Record<string, unknown>).EventSource === "aws:sns",
    )
  );
}
