import { describe, expect, it } from "vitest";
import {
  CLOSED,
  intentAction,
  isRelaxation,
  OPEN,
  parseIntent,
} from "../../../shared/flow-control/domain/intent";
import type { FlowIntent } from "../../../shared/flow-control/domain/types";

const admit = (admitRate: number): FlowIntent => ({ mode: "admitting", admitRate });

describe("flow-control intents", () => {
  it.each<[string, string, FlowIntent | undefined]>([
    ["reads open", "open", OPEN],
    ["reads close as closed", "close", CLOSED],
    ["reads an admission rate", "admit 50", admit(50)],
    ["reads the largest rate flowctl accepts", "admit 10000", admit(10_000)],
    ["rejects a rate of zero (that is close)", "admit 0", undefined],
    ["rejects a rate above flowctl's limit", "admit 10001", undefined],
    ["rejects a leading zero", "admit 050", undefined],
    ["rejects flowctl's read-only status action", "status", undefined],
    ["rejects anything that could smuggle a shell word", "close; reboot", undefined],
  ])("%s", (_name, text, expected) => {
    expect(parseIntent(text)).toEqual(expected);
  });

  it.each<[FlowIntent, string]>([
    [OPEN, "open"],
    [CLOSED, "close"],
    [admit(20), "admit 20"],
  ])("sends %o as the document action %j", (intent, action) => {
    expect(intentAction(intent)).toBe(action);
    expect(parseIntent(action)).toEqual(intent);
  });

  it.each<[string, FlowIntent | undefined, FlowIntent, boolean]>([
    ["closed -> open relaxes", CLOSED, OPEN, true],
    ["closed -> admitting relaxes", CLOSED, admit(5), true],
    ["admitting 5 -> admitting 50 relaxes", admit(5), admit(50), true],
    ["admitting 50 -> admitting 5 tightens", admit(50), admit(5), false],
    ["open -> closed tightens", OPEN, CLOSED, false],
    ["closed -> closed is no relaxation", CLOSED, CLOSED, false],
    ["unknown -> open is no relaxation (unknown counts as open)", undefined, OPEN, false],
  ])("%s", (_name, before, after, expected) => {
    expect(isRelaxation(before, after)).toBe(expected);
  });
});
