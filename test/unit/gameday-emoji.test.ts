import { describe, expect, it } from "vitest";
import { emojify, messageEvidence } from "../../sandbox/gameday/emoji";

describe("game-day text for the terminal and the report", () => {
  it("renders the emoji shortcodes our messages use and leaves unknown ones as typed", () => {
    expect(emojify(":raised_hand: held by :rotating_light: :unknown_one:")).toBe(
      "✋ held by 🚨 :unknown_one:",
    );
  });

  it("gives message evidence without empty entries, cut at a word boundary", () => {
    const evidence = messageEvidence(
      ["", "*Flow control web: released* after 4 minutes of normal CPU, every instance open again"],
      40,
    );
    expect(evidence).toBe("1 message: *Flow control web: released* after 4…");
    expect(evidence).not.toContain("| |");
  });
});
