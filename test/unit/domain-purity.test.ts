import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? tsFiles(`${dir}/${entry.name}`)
      : entry.name.endsWith(".ts")
        ? [`${dir}/${entry.name}`]
        : [],
  );
}

const files = tsFiles("shared/domain");

/** The design's first rule: policies are pure, so they can be table-tested and backtested as they run. */
describe("shared/domain", () => {
  it("covers every automation's domain", () => {
    for (const area of ["balancer", "flow-control", "certificates", "canary", "messages"]) {
      expect(files.some((f) => f.startsWith(`shared/domain/${area}/`))).toBe(true);
    }
  });

  it.each(files)("%s imports no SDK, adapter, node I/O, environment or clock", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    for (const source of imports) {
      expect(source).not.toMatch(/^@aws-sdk|^@slack|^node:|adapters|runtime|workflows|config|ports/);
    }
    expect(text).not.toMatch(/process\.env|Date\.now\(\)|new Date\(\)/);
  });
});
