import { describe, expect, it } from "vitest";
import { slackSignature, verifySlackSignature } from "../../../shared/slack-chatops/slack-signature";

// Slack's documented example (api.slack.com, "Verifying requests from Slack").
const secret = "8f742231b10e8888abcd99yyyzzz85a5";
const timestamp = 1531420618;
const body =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const documented = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

describe("Slack request signatures", () => {
  const verify = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
    verifySlackSignature({
      secret,
      rawBody: body,
      timestampHeader: String(timestamp),
      signatureHeader: documented,
      nowSeconds: timestamp + 10,
      ...overrides,
    });

  it("computes Slack's documented example signature", () => {
    expect(slackSignature(secret, timestamp, body)).toBe(documented);
  });

  it.each([
    ["accepts the documented request", {}, true],
    ["accepts a clock up to 5 minutes ahead of Slack's", { nowSeconds: timestamp + 300 }, true],
    ["refuses a request signed more than 5 minutes ago", { nowSeconds: timestamp + 301 }, false],
    ["refuses a timestamp more than 5 minutes in the future", { nowSeconds: timestamp - 301 }, false],
    ["refuses another secret's signature", { secret: "another" }, false],
    ["refuses a body changed by one byte", { rawBody: `${body}x` }, false],
    ["refuses a missing signature", { signatureHeader: undefined }, false],
    ["refuses a signature of the wrong length", { signatureHeader: `${documented}0` }, false],
    ["refuses a v1 signature", { signatureHeader: documented.replace("v0=", "v1=") }, false],
    ["refuses a missing timestamp", { timestampHeader: undefined }, false],
    ["refuses a timestamp that is not a number", { timestampHeader: "1531420618.5" }, false],
  ])("%s", (_, overrides, ok) => {
    expect(verify(overrides).ok).toBe(ok);
  });
});
