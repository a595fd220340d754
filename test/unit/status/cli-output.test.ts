import { CommanderError, InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { collectWeight, parseDuration } from "../../../cli/commands/override-options";
import { EXIT, exitCodeOf } from "../../../cli/exit-codes";
import { FunctionFailedError, UsageError } from "../../../cli/invoke/types";
import { renderOverrideResponse } from "../../../cli/render/override";
import { renderStatus } from "../../../cli/render/status";
import { table } from "../../../cli/render/table";
import type { StatusDocument } from "../../../shared/status/domain/types";

describe("CLI argument parsing", () => {
  it.each([
    ["90m", 90],
    ["2h", 120],
    ["1d", 1440],
    ["100h", 6000],
  ])(
    "reads the duration %s as %i minutes (the stage's cap is the function's to enforce)",
    (text, minutes) => {
      expect(parseDuration(text)).toBe(minutes);
    },
  );

  it.each(["", "90", "2 hours", "0m", "1w", "-5m"])(
    "rejects the duration %j with the expected form",
    (text) => {
      expect(() => parseDuration(text)).toThrow(/expected a duration like 90m, 2h or 1d/);
    },
  );

  it("collects repeated --weight id=n into one weights object", () => {
    expect(collectWeight("elastic=127", collectWeight("primary=128"))).toEqual({
      primary: 128,
      elastic: 127,
    });
  });

  it.each(["primary", "primary=", "primary=abc", "=5", "primary=1.5"])("rejects the weight %j", (text) => {
    expect(() => collectWeight(text)).toThrow(InvalidArgumentError);
  });

  it("rejects the same origin given twice", () => {
    expect(() => collectWeight("primary=1", { primary: 2 })).toThrow(/given twice/);
  });
});

describe("CLI exit codes", () => {
  it.each([
    [new FunctionFailedError("override", "InvalidOverrideError", "unknown pool"), EXIT.invalid],
    [new FunctionFailedError("status", "InvalidEventError", "bad automation"), EXIT.invalid],
    [new FunctionFailedError("override", "ConflictError", "someone wrote"), EXIT.failed],
    [new UsageError("no stage"), EXIT.invalid],
    [new CommanderError(1, "commander.missingMandatoryOptionValue", "missing"), EXIT.invalid],
    [new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"), EXIT.ok],
    [new Error("socket hang up"), EXIT.failed],
  ])("maps %s to its exit code", (error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});

describe("CLI rendering", () => {
  it("pads columns to the widest cell", () => {
    expect(table(["a", "bb"], [["ccc", "d"]])).toBe("a    bb\nccc  d\n");
  });

  it("says a refusal as such", () => {
    expect(renderOverrideResponse({ accepted: false, action: "pin", refusal: "held by bob" })).toBe(
      "refused: held by bob\n",
    );
  });

  it("shows an item that could not be read with its error, and the rest of the document", () => {
    const doc: StatusDocument = {
      stage: "prod",
      at: "2026-11-02T10:00:00.000Z",
      query: {},
      originBalancer: [
        { pool: "images", error: "AwsCallError: access denied" },
        {
          pool: "video",
          record: "v. CNAME (zone Z1)",
          weights: { primary: 255, elastic: 0 },
          shares: { primary: 100, elastic: 0 },
        },
      ],
      flowControl: [],
      certRotation: [],
      canary: [],
      overrides: { active: [], recentlyEnded: [] },
      plans: { error: "AwsCallError: throttled" },
    };
    const text = renderStatus(doc);
    expect(text).toContain("ERROR AwsCallError: access denied");
    expect(text).toMatch(/video\s+primary=255 elastic=0\s+100\/0/);
    expect(text).toContain("PLANS\nERROR AwsCallError: throttled");
  });

  it("says a pool's last change was more than 1 h ago when the kept hour holds none", () => {
    const pool = (state?: { changesLastHour: number }) => ({
      pool: "images",
      record: "i. CNAME (zone Z1)",
      weights: { primary: 255, elastic: 0 },
      shares: { primary: 100, elastic: 0 },
      ...(state ? { state } : {}),
    });
    const doc: StatusDocument = {
      stage: "prod",
      at: "2026-11-02T10:00:00.000Z",
      query: {},
      originBalancer: [pool({ changesLastHour: 0 })],
      flowControl: [],
      certRotation: [],
      canary: [],
      overrides: { active: [], recentlyEnded: [] },
      plans: [],
    };
    expect(renderStatus(doc)).toMatch(/images\s+primary=255 elastic=0\s+100\/0\s+more than 1 h ago\s/);
    expect(renderStatus({ ...doc, originBalancer: [pool()] })).toMatch(/100\/0\s+-\s/);
  });
});
