import { describe, expect, it } from "vitest";
import { inFlagWords } from "../../../cli/render/flag-words";

describe("the override function's problems said in the CLI's flags", () => {
  it.each([
    [
      "invalid override: expiresInMinutes: an expiry is required: give exactly one of expiresInMinutes or expiresAt",
      "invalid override: --for/--until: an expiry is required: give exactly one of --for 90m|2h|1d or --until <ISO time>",
    ],
    [
      "invalid override: expiresAt: Invalid ISO datetime",
      "invalid override: --until: not a time with a zone: give an ISO time ending in Z or an offset, e.g. 2026-11-02T18:00:00Z or 2026-11-02T19:00:00+01:00",
    ],
    [
      "invalid override: weights.primary: Too big: expected number to be <=255",
      "invalid override: --weight primary=N: a Route 53 weight is a whole number from 0 to 255",
    ],
    [
      "origin-balancer images already has an active pin by alice until 2026-11-02T12:00:00Z (INC-1); pass replace: true to replace it",
      "origin-balancer images already has an active pin by alice until 2026-11-02T12:00:00Z (INC-1); pass --replace to replace it",
    ],
    [
      "invalid override: admitRate: mode admitting needs an admitRate; reason: reason is required",
      "invalid override: --admit-rate: --mode admitting needs --admit-rate N; --reason: reason is required",
    ],
    [
      "nothing to clear: no active override on flow-control web",
      "nothing to clear: no active override on flow-control web",
    ],
  ])("%s", (message, expected) => {
    expect(inFlagWords(message)).toBe(expected);
  });
});
