import { TransientAwsError } from "../../errors";

/** Error names AWS uses for "slow down / try again" (Route 53: Throttling, PriorRequestNotComplete). */
const TRANSIENT = new Set([
  "Throttling",
  "ThrottlingException",
  "PriorRequestNotComplete",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ServiceUnavailable",
  "InternalFailure",
  "InternalError",
  "TimeoutError",
  "RequestTimeout",
  "ECONNRESET",
]);

export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const meta = (error as { $metadata?: { httpStatusCode?: number }; code?: string }).$metadata;
  const status = meta?.httpStatusCode;
  return (
    TRANSIENT.has(error.name) ||
    TRANSIENT.has((error as { code?: string }).code ?? "") ||
    (status !== undefined && status >= 500)
  );
}

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  /** No attempt starts after this moment: retries are bounded by the Lambda time left. */
  deadline: Date;
  what: string;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Retries transient AWS errors with exponential backoff and full jitter (spreads concurrent callers),
 * within both an attempt count and a deadline. Non-transient errors are thrown at once.
 *
 * One call can itself take several SDK attempts of up to the request timeout each, so it is not awaited
 * past the deadline either: the invocation must keep its margin to record the decision. A write given up
 * on that way may still land; the caller reports it as failed and the next run reads back what AWS holds.
 */
export async function retryTransient<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  let lastError: unknown;
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    try {
      return await withinDeadline(call, options);
    } catch (error) {
      if (!isTransient(error)) throw error;
      lastError = error;
      const delay = random() * options.baseDelayMs * 2 ** attempt;
      if (Date.now() + delay >= options.deadline.getTime()) break;
      await sleep(delay);
    }
  }
  throw new TransientAwsError(
    `${options.what} still failing after retries: ${(lastError as Error)?.message}`,
    {
      cause: lastError,
    },
  );
}

/** The call's result, or a TransientAwsError once the deadline passes with no answer yet. */
async function withinDeadline<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  // Promise.resolve: a call that throws synchronously or returns a bare thenable is handled alike.
  const pending = Promise.resolve().then(call);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TransientAwsError(
            `${options.what}: no answer before the invocation deadline ${options.deadline.toISOString()} (outcome unknown; the next run reads back)`,
          ),
        ),
      Math.max(0, options.deadline.getTime() - Date.now()),
    );
  });
  // The abandoned call may still settle: its rejection must not become an unhandled one.
  pending.catch(() => undefined);
  try {
    return await Promise.race([pending, expired]);
  } finally {
    clearTimeout(timer);
  }
}
