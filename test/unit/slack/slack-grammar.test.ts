import { describe, expect, it } from "vitest";
import { readSlashCommand, tokenize } from "../../../cli/slack-grammar";
import { slackChatopsSchema } from "../../../shared/slack-chatops/config";
import { parseSlackInteraction } from "../../../shared/slack-chatops/slack-interaction";

describe("/autopilot read with the CLI's grammar", () => {
  it.each([
    [
      'pause --automation flow-control --target web --for 1h --reason "INC-7 sale"',
      {
        action: "pause",
        automation: "flow-control",
        target: "web",
        expiresInMinutes: 60,
        reason: "INC-7 sale",
      },
    ],
    [
      "pin --pool images --weight primary=200 --weight elastic=55 --for 15m --reason “drill”",
      { action: "pin", pool: "images", weights: { primary: 200, elastic: 55 }, expiresInMinutes: 15 },
    ],
    ["approve plan-1a2b3c4d --reason ok", { action: "approve", planId: "plan-1a2b3c4d", reason: "ok" }],
    ["reject plan-1a2b3c4d --reason no", { action: "reject", planId: "plan-1a2b3c4d" }],
    [
      "force --fleet web --mode admitting --admit-rate 20 --for 30m --reason spike",
      { action: "force", fleet: "web", mode: "admitting", admitRate: 20, expiresInMinutes: 30 },
    ],
    [
      "resume --automation canary --target checkout --reason fixed",
      { action: "resume", automation: "canary" },
    ],
  ])("reads %s", async (text, expected) => {
    const read = await readSlashCommand(text, "alice");
    expect(read.kind).toBe("override");
    expect(read.kind === "override" ? read.payload : {}).toMatchObject({ ...expected, author: "alice" });
  });

  it.each([
    ["", /usage: \/autopilot/],
    ["delete --everything", /unknown command "delete"/],
    ["pause --automation canary --for 1h --reason x --author bob", /--author cannot be given from Slack/],
    ["pause --automation canary --for 1h --reason x --stage prod", /--stage cannot be given from Slack/],
    ["approve plan-1a2b3c4d --local --reason x", /--local cannot be given from Slack/],
    ["pause --automation nope --reason x --for 1h", /argument 'nope' is invalid/],
    ["force --fleet web --mode closed --for 2x --reason a", /expected a duration like 90m/],
    ["approve plan-1a2b3c4d", /required option '--reason/],
    ['pause --reason "unclosed', /a quote is not closed/],
  ])("refuses %j, naming the problem", async (text, problem) => {
    const read = await readSlashCommand(text, "alice");
    expect(read.kind).toBe("invalid");
    expect(read.kind === "invalid" ? read.problem : "").toMatch(problem);
  });

  it("answers --help with the CLI's help, as the slash command", async () => {
    const read = await readSlashCommand("pause --help", "alice");
    expect(read.kind).toBe("help");
    expect(read.kind === "help" ? read.text : "").toMatch(/^Usage: \/autopilot pause \[options\]/);
  });

  it("reads the text as typed: Slack's &amp; &lt; &gt; escapes undone", () => {
    const body = new URLSearchParams({
      command: "/autopilot",
      text: 'pause --reason "p99 &gt; 2 s &amp; rising"',
      user_id: "U0ALICE01",
      response_url: "https://hooks.slack.com/commands/T0/1/x",
    }).toString();
    const parsed = parseSlackInteraction(body, () => true);
    expect(parsed.ok && parsed.value.kind === "slash" ? parsed.value.text : "").toBe(
      'pause --reason "p99 > 2 s & rising"',
    );
  });

  it("splits words like a shell, with Slack's typographic quotes", () => {
    expect(tokenize(`a "b c" 'd e' “f g” ‘h’`)).toEqual({ ok: true, value: ["a", "b c", "d e", "f g", "h"] });
  });
});

describe("the slackChatops stage section", () => {
  it.each([
    [{ signingSecretParameter: "/p/secret", allowlist: { U024BE7LH: "alice" } }, true],
    [{ signingSecretParameter: "/p/secret", allowlist: {} }, false],
    [{ signingSecretParameter: "/p/secret", allowlist: { alice: "alice" } }, false],
    [{ signingSecretParameter: "p/secret", allowlist: { U024BE7LH: "alice" } }, false],
    [{ signingSecretParameter: "/p/secret", allowlist: { U024BE7LH: "alice" }, signingSecret: "x" }, false],
  ])("%j valid: %s", (section, valid) => {
    expect(slackChatopsSchema.safeParse(section).success).toBe(valid);
  });
});
