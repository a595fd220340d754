import fc from "fast-check";
import {
  hugeString,
  malformedTimestamp,
  notAString,
  pollutionKey,
  randomInput,
  unicodeString,
  wrongEnum,
} from "./hostile-values";
import {
  breakField,
  dropAt,
  type HostileCase,
  hideUnder,
  hostileCase,
  type Mutation,
  mutatedFixture,
  setAt,
} from "./mutate";

const who = { author: "alice", reason: "INC-42 primary origin degraded" };

/** One well-formed request per action, naming targets the stage has (pool images, fleet web, ...). */
export const overrideFixtures: unknown[] = [
  { action: "pin", pool: "images", weights: { primary: 128, elastic: 127 }, ...who, expiresInMinutes: 60 },
  { action: "pause", automation: "flow-control", target: "web", ...who, expiresInMinutes: 60 },
  { action: "force", fleet: "web", mode: "closed", ...who, expiresInMinutes: 30 },
  { action: "resume", automation: "canary", target: "web", ...who },
  { action: "clear", automation: "origin-balancer", target: "images", ...who },
  // pause, not abort: an abort takes no expiry, so an expiry mutation would leave it well-formed.
  { action: "canary", command: "pause", canary: "web", ...who, expiresInMinutes: 30 },
  { action: "rotate-now", pair: "devices", ...who },
  { action: "approve", planId: "plan-2026-11-02-abcd", ...who },
];

/** Names the schema refuses (case, characters, length) and well-formed names the stage does not have. */
const badName = fc.oneof(
  fc.constantFrom("Images", "web_1", "", "-web", "a".repeat(64), "../web", "web\u0000", "*", "web "),
  unicodeString,
  fc.constantFrom("nope", "images-2", "web2", "all"),
);

/**
 * Hostile override requests: every field broken or pointed at something the stage does not have, expiries
 * missing, doubled, past or beyond the stage's cap, extra and pollution keys. Each must be rejected
 * (InvalidOverrideError naming the problem) or refused, with nothing stored.
 */
export function hostileOverrides(): fc.Arbitrary<HostileCase> {
  // Only fields every request has may be dropped: dropping one a request lacks would change nothing.
  const mutations: fc.Arbitrary<Mutation> = fc.oneof(
    breakField(
      ["action"],
      fc.oneof(wrongEnum("pin", ["promote", "approve-all", "delete", "Pin"]), notAString),
    ),
    breakField(["author"], fc.oneof(notAString, fc.constantFrom("", "   ", "a".repeat(65)))),
    breakField(["reason"], fc.oneof(notAString, fc.constant(" \t"), hugeString)),
    fc
      .tuple(fc.constantFrom("pool", "fleet", "canary", "pair", "target"), badName)
      .map(([field, name]) => setAt([field], name)),
    breakField(["automation"], wrongEnum("canary", ["origin_balancer", "flowcontrol", "Canary"]), false),
    breakField(
      ["weights"],
      fc.constantFrom(
        { primary: 256 },
        { primary: -1 },
        { primary: 1.5 },
        {},
        { primary: 0, elastic: 0 },
        { nope: 100 },
        [128],
        "128",
      ),
      false,
    ),
    fc.constantFrom(0, -5, 1.5, "30", 4321, 10_000_000).map((m) => setAt(["expiresInMinutes"], m)),
    fc
      .oneof(malformedTimestamp, fc.constantFrom("2020-01-01T00:00:00Z", "9999-12-31T23:59:59Z"))
      .map((at) => setAt(["expiresAt"], at)),
    fc.constant(dropAt(["expiresInMinutes"])).map((drop) => ({
      label: "no expiry at all",
      apply: (event: unknown) => {
        drop.apply(event);
        // Only requests that need an expiry: on the others the field was never there.
        const e = event as Record<string, unknown>;
        if (!["pin", "pause", "force"].includes(String(e.action))) e.expiresAt = "not-a-date";
      },
    })),
    breakField(["mode"], wrongEnum("closed", ["close", "half-open", "admit"]), false),
    fc.constantFrom(0, -1, 100_001, 1.5, 50).map((rate) => setAt(["admitRate"], rate)),
    breakField(
      ["planId"],
      fc.constantFrom("plan-x", "PLAN-abcd", "../../etc/passwd", "plan-zzzz-0000", 42),
      false,
    ),
    breakField(["command"], wrongEnum("pause", ["rollback", "approve", "Pause"]), false),
    fc.constant(setAt(["replace"], "yes")),
    fc
      .tuple(fc.constantFrom("approvedBy", "dryRun", "priority"), fc.jsonValue({ maxDepth: 1 }))
      .map(([k, v]) => setAt([k], v)),
    pollutionKey.map((key) => hideUnder([], key, ["action"])),
    pollutionKey.map((key) => setAt([key], { isAdmin: true, maxHours: 100_000 })),
  );
  return fc.oneof(
    { weight: 6, arbitrary: mutatedFixture(overrideFixtures, mutations) },
    { weight: 1, arbitrary: randomInput.map((event) => hostileCase(["random JSON"], event)) },
  );
}
