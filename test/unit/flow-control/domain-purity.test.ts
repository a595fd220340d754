import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../../..");
const files = [
  ...readdirSync(path.join(root, "shared/domain/flow-control")).map((f) => `shared/domain/flow-control/${f}`),
  "shared/domain/messages/flow-control-message.ts",
];

describe("the flow-control domain", () => {
  it.each(files)("%s imports no SDK, adapter, port, runtime or node module and reads no clock", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(imports.filter((i) => !i.startsWith("./") && !i.startsWith("../"))).toEqual([]);
    expect(imports.filter((i) => /adapters|ports|runtime|workflows|config/.test(i))).toEqual([]);
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)|process\.env|Math\.random/);
  });
});
