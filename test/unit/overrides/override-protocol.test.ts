import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Decision } from "../../../shared/kernel/domain/decision";
import type { StoredOverride } from "../../../shared/kernel/domain/override-types";
import {
  memoryOf,
  obeyedOverride,
  overrideNews,
  withOverride,
} from "../../../shared/kernel/domain/resolve-override";

const NOW = new Date("2026-11-02T20:00:00Z");
const override = (id: string, kind: "pause" | "pin", target: string, expiresAt = "2026-11-02T21:00:00Z") =>
  ({
    id,
    automation: "origin-balancer",
    target,
    action: kind === "pin" ? { kind, weights: { primary: 128, elastic: 127 } } : { kind },
    author: "alice",
    invoker: "arn:aws:iam::123456789012:user/alice",
    reason: "sale",
    createdAt: "2026-11-02T19:00:00Z",
    expiresAt,
  }) as StoredOverride;
const decision = { target: "images", headline: "images: unchanged" } as Decision;

describe("the one override protocol", () => {
  it("obeys a pin over a pause, says its start once, then that it continues", () => {
    const listed = [override("p1", "pause", "*"), override("p2", "pin", "images")];
    const first = obeyedOverride({
      listed,
      automation: "origin-balancer",
      target: "images",
      remembered: undefined,
      now: NOW,
    });
    expect(first.override?.id).toBe("p2");
    expect(first.transition.kind).toBe("started");
    expect(overrideNews(first)).toBe(true);
    const second = obeyedOverride({
      listed,
      automation: "origin-balancer",
      target: "images",
      remembered: memoryOf(listed[1] as StoredOverride),
      now: NOW,
    });
    expect(second.transition.kind).toBe("continues");
    expect(overrideNews(second)).toBe(false);
    expect(withOverride(decision, second).override?.id).toBe("p2");
  });

  it("says first in the headline, once, that an expired override handed back the wheel", () => {
    const expired = override("p3", "pin", "images", "2026-11-02T19:30:00Z");
    const obeyed = obeyedOverride({
      listed: [expired],
      automation: "origin-balancer",
      target: "images",
      remembered: memoryOf(expired),
      now: NOW,
    });
    expect(obeyed.override).toBeUndefined();
    expect(withOverride(decision, obeyed).headline).toBe(
      "images: override (pin by alice) expired at 2026-11-02T19:30:00Z, automation resumed — unchanged",
    );
  });

  it("is implemented once: no slice resolves overrides itself", () => {
    const root = path.resolve(__dirname, "../../..");
    const files = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : [],
      );
    const resolving = files("shared")
      .filter((f) => !f.startsWith("shared/kernel/"))
      .filter((f) =>
        /\b(overrideInForce|overrideTransition|appliesTo)\b/.test(readFileSync(path.join(root, f), "utf8")),
      );
    expect(resolving).toEqual([]);
  });
});
