import { describe, expect, it } from "vitest";
import { buildOverride, type OverrideTargets } from "../../../shared/overrides/build-override";
import { parseOverrideRequest } from "../../../shared/overrides/override-request";

const targets: OverrideTargets = {
  "origin-balancer": { images: ["primary", "elastic"] },
  "flow-control": ["web"],
};
const now = new Date("2026-12-02T10:00:00Z");
const who = { author: "alice", reason: "INC-7" };
const build = (payload: Record<string, unknown>) => {
  const request = parseOverrideRequest({ ...who, ...payload });
  if (request.action !== "pin" && request.action !== "pause" && request.action !== "force") {
    throw new Error("not a stored override");
  }
  return buildOverride(request, { targets, now, maxHours: 72, invoker: "arn:aws:iam::1:user/alice" });
};

describe("turning an operator's request into a stored override", () => {
  it.each([
    [
      "a pin with a relative expiry",
      { action: "pin", pool: "images", weights: { primary: 128, elastic: 127 }, expiresInMinutes: 90 },
      { automation: "origin-balancer", target: "images", expiresAt: "2026-12-02T11:30:00.000Z" },
    ],
    [
      "a pause of every flow-control fleet",
      { action: "pause", automation: "flow-control", expiresAt: "2026-12-02T12:00:00Z" },
      { automation: "flow-control", target: "*", action: { kind: "pause" } },
    ],
    [
      "a pause of everything",
      { action: "pause", automation: "all", expiresInMinutes: 5 },
      { automation: "*", target: "*" },
    ],
    [
      "a forced admission rate",
      { action: "force", fleet: "web", mode: "admitting", admitRate: 50, expiresInMinutes: 30 },
      { action: { kind: "force", mode: "admitting", admitRate: 50 } },
    ],
  ])("accepts %s", (_name, payload, expected) => {
    const built = build(payload);
    expect(built.ok).toBe(true);
    if (built.ok) expect(built.value).toMatchObject({ ...expected, author: "alice", reason: "INC-7" });
  });

  it.each([
    [
      "an unknown fleet",
      { action: "force", fleet: "api", mode: "closed", expiresInMinutes: 5 },
      /no target "api"/,
    ],
    [
      "an unconfigured automation",
      { action: "pause", automation: "canary", expiresInMinutes: 5 },
      /not configured/,
    ],
    [
      "a target with automation all",
      { action: "pause", automation: "all", target: "web", expiresInMinutes: 5 },
      /cannot take a target/,
    ],
    [
      "an expiry past the cap",
      { action: "pause", automation: "all", expiresInMinutes: 73 * 60 },
      /more than 72 h/,
    ],
    [
      "an expiry in the past",
      { action: "pause", automation: "all", expiresAt: "2026-12-02T09:00:00Z" },
      /not in the future/,
    ],
    [
      "a pin naming an origin the pool lacks",
      { action: "pin", pool: "images", weights: { primary: 1, elastic: 1, gke: 1 }, expiresInMinutes: 5 },
      /unknown: gke/,
    ],
  ])("refuses %s, naming the problem", (_name, payload, problem) => {
    const built = build(payload);
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.problem).toMatch(problem);
  });

  it.each([
    [
      { action: "force", fleet: "web", mode: "admitting", expiresInMinutes: 5 },
      /admitRate: mode admitting needs an admitRate/,
    ],
    [
      { action: "force", fleet: "web", mode: "closed", admitRate: 5, expiresInMinutes: 5 },
      /admitRate only goes with mode admitting/,
    ],
    [
      { action: "pause", automation: "all", expiresInMinutes: 5, expiresAt: "2026-12-02T12:00:00Z" },
      /exactly one of/,
    ],
    [
      { action: "pin", pool: "images", weights: { primary: 0, elastic: 0 }, expiresInMinutes: 5 },
      /at least one weight must be above 0/,
    ],
    [{ action: "approve", planId: "drop table" }, /planId/],
    [{ action: "pause", automation: "all", expiresInMinutes: 5, extra: true }, /Unrecognized key/],
  ])("rejects a malformed payload before anything else: %j", (payload, problem) => {
    expect(() => parseOverrideRequest({ ...who, ...payload })).toThrow(problem);
  });
});
