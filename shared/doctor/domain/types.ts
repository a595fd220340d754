/**
 * `autopilot doctor`: a read-only preflight of a stage file against the account it will run in. Each
 * check is a pure function from what the readers observed to one result line; the readers only read.
 */
export type CheckStatus = "PASS" | "WARN" | "FAIL";

export interface CheckResult {
  /** Stable id, e.g. `balancer.records` (scripts filter on it). */
  check: string;
  /** What it looked at: `images`, `web`, `#channel`... */
  target: string;
  status: CheckStatus;
  /** What was found, in words. */
  detail: string;
  /** What to change; present on every WARN and FAIL. */
  fix?: string;
}

/** A read that could not be made (access denied, throttled, not found): the check says so, in its line. */
export interface ReadError {
  error: string;
}

export const isReadError = (value: unknown): value is ReadError =>
  typeof value === "object" && value !== null && "error" in value && Object.keys(value).length === 1;

export const pass = (check: string, target: string, detail: string): CheckResult => ({
  check,
  target,
  status: "PASS",
  detail,
});

export const fail = (check: string, target: string, detail: string, fix: string): CheckResult => ({
  check,
  target,
  status: "FAIL",
  detail,
  fix,
});

export const warn = (check: string, target: string, detail: string, fix: string): CheckResult => ({
  check,
  target,
  status: "WARN",
  detail,
  fix,
});

/** A read error becomes a FAIL of the check that needed it, naming the missing permission's call. */
export const unreadable = (check: string, target: string, call: string, error: ReadError): CheckResult =>
  fail(
    check,
    target,
    `${call} failed: ${error.error}`,
    `let the caller run ${call} (see the IAM doctor needs in the README) and check the stage file's ids`,
  );

/** 0 every check passed; 1 warnings only; 2 at least one failure (or bad input, before any check). */
export function doctorExitCode(results: readonly CheckResult[]): 0 | 1 | 2 {
  if (results.some((r) => r.status === "FAIL")) return 2;
  if (results.some((r) => r.status === "WARN")) return 1;
  return 0;
}

/** One line per check: `PASS  balancer.records  images: ...` and, for WARN/FAIL, `-> fix: ...`. */
export function renderResultLine(result: CheckResult): string {
  const head = `${result.status.padEnd(4)}  ${result.check}  ${result.target}: ${result.detail}`;
  return result.fix ? `${head} -> fix: ${result.fix}` : head;
}
