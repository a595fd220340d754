import { CommanderError } from "commander";
import { FunctionFailedError, UsageError } from "./invoke/types";
import { inFlagWords } from "./render/flag-words";

/** What a script can rely on. */
export const EXIT = {
  ok: 0,
  /** The function understood the request and refused it (response.accepted false). Nothing changed. */
  refused: 1,
  /** Invalid input or usage: rejected before anything was stored. */
  invalid: 2,
  /** The invocation itself failed (AWS, network, a function error that is not about the input). */
  failed: 3,
} as const;

/** The function error classes that mean "your input was wrong", whatever else went right. */
const INPUT_ERRORS = new Set(["InvalidOverrideError", "InvalidEventError"]);

export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.code === "commander.helpDisplayed" ||
      error.code === "commander.help" ||
      error.code === "commander.version" ||
      error.exitCode === 0
      ? EXIT.ok
      : EXIT.invalid;
  }
  if (error instanceof UsageError) return EXIT.invalid;
  if (error instanceof FunctionFailedError) {
    return INPUT_ERRORS.has(error.errorType) ? EXIT.invalid : EXIT.failed;
  }
  return EXIT.failed;
}

/** One line for stderr: what failed, in the function's own words. */
export function errorLine(error: unknown): string {
  if (error instanceof FunctionFailedError) {
    return INPUT_ERRORS.has(error.errorType)
      ? `invalid input, nothing stored: ${inFlagWords(error.message)}`
      : `${error.fn} failed: ${error.errorType}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
