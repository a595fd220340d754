/**
 * Error classes every function shares. Each says what went wrong in words a tired operator understands
 * and keeps the original error as `cause`.
 *
 * `retryable` separates "transient, try again" from "fatal, alert": the Lambda runtime retries async
 * invocations that throw, so only transient failures should be thrown as retryable.
 */
export abstract class AutopilotError extends Error {
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The event a function received is not what its trigger sends. Nothing was changed. */
export class InvalidEventError extends AutopilotError {
  readonly retryable = false;
}

/** An operator's override request is malformed or names something the stage does not have. Nothing stored. */
export class InvalidOverrideError extends AutopilotError {
  readonly retryable = false;
}

/** The stage configuration is invalid. `problems` lists every bad key with its path. */
export class InvalidConfigError extends AutopilotError {
  readonly retryable = false;

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** A required environment variable is missing or malformed. */
export class MissingEnvironmentError extends AutopilotError {
  readonly retryable = false;

  constructor(readonly variables: readonly string[]) {
    super(`missing or invalid environment variables: ${variables.join(", ")}`);
  }
}

/** An outside system throttled or failed transiently and the retry budget ran out. */
export class TransientAwsError extends AutopilotError {
  readonly retryable = true;
}

/** An AWS call failed in a way retrying will not fix (access denied, validation, not found). */
export class AwsCallError extends AutopilotError {
  readonly retryable = false;
}

/** Someone else changed the resource between our read and our write (optimistic concurrency). */
export class ConflictError extends AutopilotError {
  readonly retryable = false;
}

/** A value does not fit where it would be stored (a standard SSM parameter holds 4 KB). Nothing written. */
export class ValueTooLargeError extends AutopilotError {
  readonly retryable = false;
}

/** Read-back after a change did not show the state we wrote. */
export class VerificationError extends AutopilotError {
  readonly retryable = false;
}

/** Structured form of any thrown value, for logs and Decisions (JSON.stringify(error) is `{}`). */
export function describeError(error: unknown): { name: string; message: string; cause?: string } {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : undefined;
    return cause === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, cause };
  }
  return { name: "NonError", message: String(error) };
}
