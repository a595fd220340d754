import { existsSync, readdirSync, readFileSync } from "node:fs";
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

/** Every folder of shared/ that is a slice (an automation, or the kernel they share) has a pure domain. */
const slices = readdirSync(path.join(root, "shared"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(root, "shared", entry.name, "domain")))
  .map((entry) => entry.name);
const files = slices.flatMap((slice) => tsFiles(`shared/${slice}/domain`));

/** Where an import lands, as a path from the repository root ("" for a package). */
function landsIn(file: string, source: string): string {
  if (!source.startsWith(".")) return "";
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
}

/**
 * The design's first rule: policies are pure, so they can be table-tested and backtested as they run.
 * A domain file may import only other domain files (its own slice's, the kernel's or another slice's):
 * no package at all (no SDK, no Slack, no node I/O), no port, adapter, workflow, config or runtime.
 */
describe("every slice's domain", () => {
  it("covers every automation and the kernel", () => {
    for (const slice of [
      "kernel",
      "origin-balancer",
      "flow-control",
      "cert-rotation",
      "canary",
      "overrides",
    ]) {
      expect(slices).toContain(slice);
    }
  });

  it.each(files)("%s imports only domain files and reads no environment or clock", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    const sources = [
      ...text.matchAll(
        /^(?:import|export)\s+(?:type\s+)?(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*\{[^}]*\})?)\s*from\s*"([^"]+)"/gm,
      ),
      ...text.matchAll(/^import\s+"([^"]+)"/gm),
      ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
    ].map((m) => m[1] ?? "");
    const outside = sources.filter((source) => !/^shared\/[\w-]+\/domain\//.test(landsIn(file, source)));
    expect(outside).toEqual([]);
    expect(text).not.toMatch(/process\.env|Date\.now\(|new Date\(\)|Math\.random/);
  });
});
