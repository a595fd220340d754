import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const documentPath = path.join(repoRoot, "infra/ssm-documents/flow-control.yml");

interface Parameter {
  type?: unknown;
  default?: unknown;
  allowedPattern?: unknown;
}
interface Step {
  action?: unknown;
  inputs?: { runCommand?: unknown };
}
interface CommandDocument {
  schemaVersion?: unknown;
  parameters?: Record<string, Parameter>;
  mainSteps?: Step[];
}

const document = parse(readFileSync(documentPath, "utf8")) as CommandDocument;
const action = document.parameters?.action;
const pattern = new RegExp(String(action?.allowedPattern));

describe("the flow-control SSM document", () => {
  it("is a schemaVersion 2.2 Command document with exactly one parameter, action", () => {
    expect(document.schemaVersion).toBe("2.2");
    expect(Object.keys(document.parameters ?? {})).toEqual(["action"]);
    expect(action?.type).toBe("String");
    expect(action?.default).toBe("status");
  });

  it.each([
    "status",
    "open",
    "close",
    "admit 1",
    "admit 9",
    "admit 20",
    "admit 100",
    "admit 999",
    "admit 1000",
    "admit 9999",
    "admit 10000",
  ])("accepts the action %j", (value) => {
    expect(pattern.test(value)).toBe(true);
  });

  it.each([
    "",
    "admit",
    "admit 0",
    "admit 01",
    "admit -1",
    "admit 10001",
    "admit 20000",
    "admit 1.5",
    "admit  20",
    "admit 20 ",
    " open",
    "Open",
    "bogus",
    "open; rm -rf /",
    "open && reboot",
    "close\nreboot",
    "$(x)",
    "`x`",
    "admit $(x)",
    "status|sh",
  ])("rejects the action %j before anything reaches the shell", (value) => {
    expect(pattern.test(value)).toBe(false);
  });

  it("accepts its own default", () => {
    expect(pattern.test(String(action?.default))).toBe(true);
  });

  it("runs only flowctl with the action, in one shell step", () => {
    expect(document.mainSteps).toHaveLength(1);
    const step = document.mainSteps?.[0];
    expect(step?.action).toBe("aws:runShellScript");
    expect(step?.inputs?.runCommand).toEqual(["flowctl {{ action }}"]);
  });
});
