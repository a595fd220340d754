import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { InvalidOverrideError } from "../../../shared/errors";
import { MAX_ADMIT_RATE } from "../../../shared/flow-control/domain/intent";
import { parseOverrideRequest } from "../../../shared/overrides/override-request";

const root = path.resolve(__dirname, "../../..");
const force = (admitRate: number) => ({
  action: "force",
  fleet: "web",
  mode: "admitting",
  admitRate,
  author: "alice",
  reason: "INC-42 queue too deep",
  expiresInMinutes: 30,
});

describe("the admission rate limit is flowctl's own", () => {
  it("is the limit flowctl and the SSM document enforce", () => {
    const flowctl = readFileSync(path.join(root, "infra/instance/flowctl"), "utf8");
    expect(flowctl).toContain(`(($2 <= ${MAX_ADMIT_RATE}))`);
    const document = parse(readFileSync(path.join(root, "infra/ssm-documents/flow-control.yml"), "utf8"));
    const pattern = new RegExp(document.parameters.action.allowedPattern);
    expect(pattern.test(`admit ${MAX_ADMIT_RATE}`)).toBe(true);
    expect(pattern.test(`admit ${MAX_ADMIT_RATE + 1}`)).toBe(false);
  });

  it("accepts a forced rate at the limit", () => {
    expect(parseOverrideRequest(force(MAX_ADMIT_RATE))).toMatchObject({ admitRate: MAX_ADMIT_RATE });
  });

  it("refuses a forced rate above it with a clear error, before anything is stored", () => {
    const refuse = () => parseOverrideRequest(force(MAX_ADMIT_RATE + 1));
    expect(refuse).toThrow(InvalidOverrideError);
    expect(refuse).toThrow(`admitRate: flowctl admits at most ${MAX_ADMIT_RATE} new users per second`);
  });
});
