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
 */
export async function retryTransient<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  let lastError: unknown;
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    try {
      return await call();
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
