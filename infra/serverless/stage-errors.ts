import { problemReport } from "../../shared/config/config-problems";
import { InvalidConfigError } from "../../shared/errors";

const reported = new Set<string>();

/**
 * serverless resolves three variables from the stage file and prints each rejection with its stack: a bad
 * file used to fill 50 lines with its problems three times. Here the problems are printed once, concise,
 * and each rejection is one line without a stack.
 */
export function loadReportingOnce<T>(
  stage: string,
  load: () => T,
  write: (t: string) => unknown = (t) => process.stderr.write(t),
): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    if (!reported.has(stage)) {
      reported.add(stage);
      write(`\n${problemReport(error.source, error.problems)}`);
    }
    const short = new Error(
      `invalid ${error.source} (problems listed above; autopilot config check --stage ${stage})`,
    );
    short.stack = short.message;
    throw short;
  }
}
