import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFlowControlEvent } from "../../functions/flow-control/event";
import { parseStatusRequest } from "../../functions/status/request";
import { InvalidOverrideError } from "../../shared/errors";
import { parseOverrideRequest } from "../../shared/overrides/override-request";

// Only the event parsers are imported here, never zod's classic build (which installs English itself):
// the messages below come from zod/mini with the English the event schemas install.
const engageAlarm = () =>
  JSON.parse(
    readFileSync(path.resolve(__dirname, "../fixtures/events/sns/flow-control-engage-alarm.json"), "utf8"),
  ) as { Records: { Sns: { Message: string } }[] };

describe("events validated with zod's mini build", () => {
  it("refuses a malformed alarm notification naming every problem in English", () => {
    const event = engageAlarm();
    const record = event.Records[0];
    if (record === undefined) throw new Error("fixture without a record");
    const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
    record.Sns.Message = JSON.stringify({
      ...message,
      NewStateValue: "PANIC",
      AWSAccountId: "12",
      StateChangeTime: "2026-02-30T20:04:31.118+0000",
    });
    expect(() => parseFlowControlEvent(event)).toThrow(
      'malformed CloudWatch alarm notification in Records.0.Sns.Message: AWSAccountId: must be a 12-digit account id; NewStateValue: Invalid option: expected one of "ALARM"|"OK"|"INSUFFICIENT_DATA"; StateChangeTime: must be a real date and time of day',
    );
  });

  it("refuses a converge command with a bad fleet name and an unknown key", () => {
    expect(() => parseFlowControlEvent({ converge: { fleet: "Web!", author: "" }, extra: 1 })).toThrow(
      /^invalid converge command: converge\.fleet: Invalid string: must match pattern .*; converge\.author: Too small: expected string to have >=1 characters; : Unrecognized key: "extra"$/,
    );
  });

  it("refuses an override with an out-of-range weight and a missing expiry, each with its path", () => {
    const refused = () =>
      parseOverrideRequest({
        action: "pin",
        pool: "images",
        weights: { primary: 256, elastic: 1.5 },
        author: "  ",
        reason: "INC-42",
      });
    expect(refused).toThrow(InvalidOverrideError);
    expect(refused).toThrow(
      "invalid override: weights.primary: Too big: expected number to be <=255; weights.elastic: Invalid input: expected int, received number; author: author is required",
    );
  });

  it("refuses a status request whose target has no automation", () => {
    expect(() => parseStatusRequest({ target: "web" })).toThrow(
      "invalid status request: target: a target needs its automation",
    );
  });
});
