import fc from "fast-check";
import { expect } from "vitest";
import { AutopilotError, InvalidEventError } from "../../../shared/errors";
import type { RejectedEvent } from "../../../shared/runtime/error-alert";
import type { HostileCase } from "./mutate";

/**
 * The fixed seed of every property run: a failure names it (and the failing path), and
 * `FUZZ_SEED=<seed> npx vitest run <file>` replays exactly that run.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_102);

/** At least this many hostile inputs per entry point. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 250);

/** Outcomes a handler may give bad input: a typed rejection, a recorded ignore or hold, a refused command. */
export type Verdict = `rejected:${string}` | "ignored" | "held" | "refused";

/** How many inputs ended in each verdict; the tests print it, and check more than one verdict was reached. */
export class Tally {
  readonly counts = new Map<string, number>();
  add(verdict: Verdict | "accepted"): void {
    this.counts.set(verdict, (this.counts.get(verdict) ?? 0) + 1);
  }
  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
  toString(): string {
    return [...this.counts].map(([k, v]) => `${k}=${v}`).join(", ");
  }
}

interface DecisionLike {
  outcome?: unknown;
  rule?: unknown;
}

/**
 * Judges one invocation on hostile input. A throw must be a named AutopilotError of an expected class
 * whose message names the problem; a TypeError, a SyntaxError or an SDK error is a crash. A return must
 * be decisions that all ignored or held, or a refused command, never an action.
 */
export async function judge(
  outcome: Promise<unknown>,
  expectedErrors: readonly (abstract new (...args: never[]) => AutopilotError)[] = [InvalidEventError],
): Promise<Verdict> {
  let result: unknown;
  try {
    result = await outcome;
  } catch (error) {
    const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    expect(error, `not a named AutopilotError: ${described}`).toBeInstanceOf(AutopilotError);
    expect(
      expectedErrors.some((type) => error instanceof type),
      `unexpected error class: ${described}`,
    ).toBe(true);
    const message = (error as Error).message;
    expect(message.length, "an error must say what is wrong").toBeGreaterThan(15);
    // A message that carries a megabyte of the input is not one an operator can read (or Slack take).
    expect(message.length, `error message too long: ${message.slice(0, 200)}…`).toBeLessThan(20_000);
    return `rejected:${(error as Error).name}`;
  }
  if (isRejectedEvent(result)) {
    // A malformed SNS or EventBridge event is returned, not thrown (no Lambda retries): still a typed,
    // named rejection.
    const { name, message } = result.error;
    expect(
      expectedErrors.some(
        (type) => type.prototype instanceof Error && InvalidEventError.prototype instanceof type,
      ) || expectedErrors.includes(InvalidEventError),
      `unexpected rejection: ${name}: ${message}`,
    ).toBe(true);
    expect(message.length, "an error must say what is wrong").toBeGreaterThan(15);
    expect(message.length, `error message too long: ${message.slice(0, 200)}…`).toBeLessThan(20_000);
    return `rejected:${name}`;
  }
  if (Array.isArray(result)) return decisionsVerdict(result as DecisionLike[]);
  const response = result as { accepted?: unknown; decisions?: unknown } | undefined;
  expect(response?.accepted, `command accepted: ${JSON.stringify(result)?.slice(0, 300)}`).toBe(false);
  // A refusal carries no decision: nothing was decided, so nothing can have been applied.
  expect(response?.decisions ?? []).toEqual([]);
  return "refused";
}

function decisionsVerdict(decisions: readonly DecisionLike[]): Verdict {
  expect(decisions.length, "a run without decisions records nothing").toBeGreaterThan(0);
  for (const decision of decisions) {
    expect(
      ["ignored", "held"],
      `acted on bad input: rule ${String(decision.rule)} -> ${String(decision.outcome)}`,
    ).toContain(decision.outcome);
  }
  return decisions.every((d) => d.outcome === "ignored") ? "ignored" : "held";
}

/**
 * Runs `numRuns` hostile inputs through `invoke` with the fixed seed. Stops at the first failure without
 * shrinking: every run talks to the same moto, so a shrunk replay would not see the world the failure saw.
 */
export async function assertHarmless(
  cases: fc.Arbitrary<HostileCase>,
  invoke: (event: unknown) => Promise<unknown>,
  options: { tally: Tally; expectedErrors?: Parameters<typeof judge>[1]; numRuns?: number },
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(cases, async (hostile) => {
      options.tally.add(await judge(invoke(hostile.event), options.expectedErrors));
    }),
    { numRuns: options.numRuns ?? RUNS, seed: FUZZ_SEED, endOnFailure: true },
  );
}

/** Nothing a hostile input carried leaked into every object's prototype. */
export function expectPrototypesClean(): void {
  const probe: Record<string, unknown> = {};
  for (const key of [
    "AlarmName",
    "NewStateValue",
    "Records",
    "Message",
    "canaryCommand",
    "detail",
    "prototype",
  ]) {
    expect(probe[key], `Object.prototype.${key} was polluted`).toBeUndefined();
  }
  expect(Object.keys(Object.prototype)).toEqual([]);
}

function isRejectedEvent(result: unknown): result is RejectedEvent {
  return typeof result === "object" && result !== null && (result as RejectedEvent).rejected === true;
}
