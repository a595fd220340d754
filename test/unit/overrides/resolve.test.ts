import { describe, expect, it } from "vitest";
import type { StoredOverride } from "../../../shared/kernel/domain/override-types";
import {
  appliesTo,
  endedSentence,
  overrideInForce,
  overrideTransition,
} from "../../../shared/kernel/domain/resolve-override";

const now = new Date("2026-12-02T10:00:00Z");
const override = (id: string, patch: Partial<StoredOverride> = {}): StoredOverride => ({
  id,
  automation: "origin-balancer",
  target: "images",
  action: { kind: "pause" },
  author: "alice",
  invoker: "arn:aws:iam::123456789012:user/alice",
  reason: "INC-1",
  createdAt: "2026-12-02T09:00:00Z",
  expiresAt: "2026-12-02T11:00:00Z",
  ...patch,
});
const pin = { kind: "pin" as const, weights: { primary: 1, elastic: 1 } };

describe("which override is in force", () => {
  it.each([
    ["nothing stored", [], undefined],
    [
      "an expired pin does not count",
      [override("p", { action: pin, expiresAt: "2026-12-02T10:00:00Z" })],
      undefined,
    ],
    [
      "a cleared pause does not count",
      [override("c", { cleared: { author: "b", invoker: "b", reason: "r", at: "x" } })],
      undefined,
    ],
    ["a pin beats a pause on the same target", [override("pause"), override("pin", { action: pin })], "pin"],
    [
      "a pin on every pool beats a pause on this pool",
      [override("pause"), override("pin-all", { action: pin, target: "*" })],
      "pin-all",
    ],
    ["this target beats every target", [override("all", { target: "*" }), override("mine")], "mine"],
    [
      "an automation-wide pause beats a global one",
      [override("global", { automation: "*", target: "*" }), override("auto", { target: "*" })],
      "auto",
    ],
    [
      "the newest wins between equals",
      [override("old"), override("new", { createdAt: "2026-12-02T09:30:00Z" })],
      "new",
    ],
  ])("%s", (_name, stored, expected) => {
    expect(overrideInForce(stored as StoredOverride[], now)?.id).toBe(expected);
  });

  it("applies an override only to its automation and target, or to every one when scoped so", () => {
    expect(appliesTo(override("a"), "origin-balancer", "images")).toBe(true);
    expect(appliesTo(override("a"), "origin-balancer", "videos")).toBe(false);
    expect(appliesTo(override("a"), "flow-control", "images")).toBe(false);
    expect(appliesTo(override("a", { automation: "*", target: "*" }), "canary", "checkout")).toBe(true);
  });
});

describe("announcing the start and end of an override", () => {
  const remembered = { id: "p", kind: "pin" as const, author: "alice", expiresAt: "2026-12-02T10:00:00Z" };

  it.each([
    ["nothing before, nothing now", undefined, undefined, [], "none"],
    ["a new override starts", undefined, override("p"), [override("p")], "started"],
    ["the same override continues", remembered, override("p"), [override("p")], "continues"],
    ["another override replaces it", remembered, override("q"), [override("q")], "started"],
    ["it ran out", remembered, undefined, [override("p", { expiresAt: "2026-12-02T10:00:00Z" })], "ended"],
  ])("%s", (_name, memory, inForce, candidates, kind) => {
    expect(overrideTransition(memory, inForce, candidates).kind).toBe(kind);
  });

  it("says whether it expired or who cleared it", () => {
    const expired = overrideTransition(remembered, undefined, []);
    const cleared = overrideTransition(remembered, undefined, [
      override("p", { cleared: { author: "bob", invoker: "bob", reason: "fixed", at: "x" } }),
    ]);
    if (expired.kind !== "ended" || cleared.kind !== "ended") throw new Error("expected ended transitions");
    expect(endedSentence(expired)).toBe(
      "override (pin by alice) expired at 2026-12-02T10:00:00Z, automation resumed",
    );
    expect(endedSentence(cleared)).toBe("override (pin by alice) cleared by bob, automation resumed");
  });
});
