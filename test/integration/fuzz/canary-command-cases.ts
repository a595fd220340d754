import fc from "fast-check";
import {
  malformedTimestamp,
  notAnObject,
  notAString,
  pollutionKey,
  randomInput,
  unicodeString,
  wrongEnum,
} from "./hostile-values";
import {
  breakField,
  type HostileCase,
  hideUnder,
  hostileCase,
  type Mutation,
  mutatedFixture,
  setAt,
} from "./mutate";

const KINDS = ["start", "promote", "abort", "pause", "resume"] as const;

/** One well-formed command of every kind for `canary`, as the override function sends them. */
export function commandFixtures(canary: string): unknown[] {
  const who = { canary, author: "alice", reason: "release 2026.11.2" };
  const expiresAt = "2026-11-02T18:00:00Z";
  return [
    { canaryCommand: { kind: "start", ...who } },
    { canaryCommand: { kind: "promote", ...who, expiresAt } },
    { canaryCommand: { kind: "abort", ...who } },
    { canaryCommand: { kind: "pause", ...who, expiresAt } },
    { canaryCommand: { kind: "resume", ...who } },
  ];
}

const COMMAND = ["canaryCommand"] as const;

/**
 * Hostile canary commands: every field broken, unknown canaries, blank authors, expiries that are not
 * dates or already passed, extra keys, pollution keys. Every one must be rejected or refused.
 */
export function hostileCanaryCommands(
  canary: string,
  otherCanaries: fc.Arbitrary<string>,
): fc.Arbitrary<HostileCase> {
  const mutations: fc.Arbitrary<Mutation> = fc.oneof(
    breakField([...COMMAND], notAnObject),
    breakField(
      [...COMMAND, "kind"],
      fc.oneof(wrongEnum("start", ["approve", "rollback", "Start", "promote-now"]), notAString),
    ),
    breakField(
      [...COMMAND, "canary"],
      fc.oneof(
        fc.constant(""),
        notAString,
        otherCanaries.filter((c) => c !== canary),
      ),
    ),
    breakField([...COMMAND, "author"], fc.oneof(fc.constant(""), notAString)),
    breakField([...COMMAND, "reason"], fc.oneof(fc.constant(""), notAString)),
    // Blank but present: the schema takes them, the domain refuses a command without a real author.
    fc
      .constantFrom("author", "reason")
      .chain((field) =>
        fc.constantFrom(" ", "\t\n", "   ").map((blank) => setAt([...COMMAND, field], blank)),
      ),
    breakField(
      [...COMMAND, "expiresAt"],
      fc.oneof(
        malformedTimestamp,
        notAString,
        fc.constantFrom("1970-01-01T00:00:00Z", "2026-11-02T11:59:59Z"),
      ),
    ),
    fc
      .tuple(fc.constantFrom("approvedBy", "mode", "weight", "override"), fc.jsonValue({ maxDepth: 1 }))
      .map(([key, value]) => setAt([...COMMAND, key], value)),
    fc.constantFrom("dryRun", "Records", "detail-type").map((key) => setAt([key], "x")),
    pollutionKey.map((key) => hideUnder([...COMMAND], key, ["kind"])),
    pollutionKey.map((key) => hideUnder([], key, ["canaryCommand"])),
    pollutionKey.map((key) => setAt([...COMMAND, key], { isAdmin: true })),
  );
  return fc.oneof(
    { weight: 6, arbitrary: mutatedFixture(commandFixtures(canary), mutations) },
    { weight: 1, arbitrary: randomInput.map((event) => hostileCase(["random JSON"], event)) },
    {
      weight: 1,
      arbitrary: fc
        .record({ kind: fc.oneof(fc.constantFrom(...KINDS), unicodeString), canary: unicodeString })
        .map((command) => hostileCase(["random command"], { canaryCommand: command })),
    },
  );
}
