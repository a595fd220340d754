import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../../..");
const files = [
  ...readdirSync(path.join(root, "shared/domain/certificates")).map((f) => `shared/domain/certificates/${f}`),
  "shared/domain/messages/cert-rotation-message.ts",
];

describe("the certificate rotation domain", () => {
  it.each(files)("%s imports no SDK, adapter, node I/O, environment or clock", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    for (const source of imports) {
      expect(source).not.toMatch(/^@aws-sdk|^@slack|^node:|adapters|runtime|workflows|config/);
    }
    expect(text).not.toMatch(/process\.env|Date\.now\(\)|new Date\(\)/);
  });
});
