/** One error found in what a delegated automation run returned. */
export interface DelegatedError {
  /** Where it was found: "result", or "<automation> <target>" for a failed decision. */
  where: string;
  name: string;
  message: string;
}

type Described = { name?: unknown; message?: unknown };

const asError = (value: unknown): { name: string; message: string } | undefined => {
  if (value === null || typeof value !== "object") return undefined;
  const { name, message } = value as Described;
  return typeof message === "string"
    ? { name: typeof name === "string" ? name : "Error", message }
    : undefined;
};

/**
 * Every error in the result of a run the override function delegated (a converge, a canary command, a
 * rotation): a top-level `error` (the hand-off itself failed) and every decision that failed or carries an
 * `error`. The override is stored either way, so the CLI must say the run failed rather than "accepted".
 *
 * @example { error: { name: "InvalidEventError", message: "not a valid ACM event" } }
 *   -> [{ where: "result", name: "InvalidEventError", message: "not a valid ACM event" }]
 */
export function delegatedErrors(result: unknown): DelegatedError[] {
  if (result === null || typeof result !== "object") return [];
  const found: DelegatedError[] = [];
  const top = asError((result as { error?: unknown }).error);
  if (top) found.push({ where: "result", ...top });
  const decisions = Array.isArray(result) ? result : (result as { decisions?: unknown }).decisions;
  for (const decision of Array.isArray(decisions) ? decisions : []) {
    if (decision === null || typeof decision !== "object") continue;
    const d = decision as { automation?: unknown; target?: unknown; outcome?: unknown; error?: unknown };
    const where = [d.automation, d.target].filter((s) => typeof s === "string").join(" ") || "decision";
    const error = asError(d.error);
    if (error) found.push({ where, ...error });
    else if (d.outcome === "failed") found.push({ where, name: "Failed", message: "the run failed" });
  }
  return found;
}

/** Lines for stderr, one per error. */
export function delegatedErrorLines(errors: readonly DelegatedError[]): string {
  return errors.map((e) => `delegated run failed (${e.where}): ${e.name}: ${e.message}\n`).join("");
}
