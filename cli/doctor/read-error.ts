import type { ReadError } from "../../shared/doctor/domain/types";

/** Runs one read; a failure becomes the check's ReadError (its name and message), never a crash. */
export async function attempt<T>(read: () => Promise<T>): Promise<T | ReadError> {
  try {
    return await read();
  } catch (error) {
    const e = error as Error;
    return { error: `${e.name}: ${e.message}`.slice(0, 300) };
  }
}

/** true when the SDK error says the thing does not exist (a finding, not a read failure). */
export const isNotFound = (error: unknown, ...names: string[]): boolean =>
  error instanceof Error && names.includes(error.name);

/** Bound on every paginated read: a doctor run must end even against an endless NextToken. */
export const MAX_PAGES = 50;
