import path from "node:path";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import { productionOptions, repoRoot } from "../../../bench/bundles";

const EVENT_DRIVEN = ["canary", "cert-rotation", "flow-control", "origin-balancer", "override", "status"];

/** The production bundle's inputs, and which of them the handler reaches through static imports only. */
async function bundleOf(name: string): Promise<{ inputs: string[]; atImport: Set<string> }> {
  const result = await build({
    ...productionOptions(),
    entryPoints: [path.join(repoRoot, "functions", name, "handler.ts")],
    outfile: path.join(repoRoot, ".bench-test", name, "handler.js"),
    write: false,
    metafile: true,
    logLevel: "error",
  });
  const metafile: Metafile = result.metafile;
  const output = Object.values(metafile.outputs)[0];
  const atImport = new Set<string>([`functions/${name}/handler.ts`]);
  const queue = [...atImport];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const edge of metafile.inputs[file]?.imports ?? []) {
      if (edge.kind !== "import-statement" || edge.external || atImport.has(edge.path)) continue;
      atImport.add(edge.path);
      queue.push(edge.path);
    }
  }
  return { inputs: Object.keys(output?.inputs ?? {}), atImport };
}

describe("what the event-driven functions compile at cold start (production bundles)", () => {
  it.each(EVENT_DRIVEN)(
    "%s: events checked with zod's mini build, Slack's client loaded on first post",
    async (name) => {
      const { inputs, atImport } = await bundleOf(name);
      expect(inputs.filter((file) => file.includes("node_modules/zod/v4/classic/"))).toEqual([]);
      expect(inputs.some((file) => file.includes("node_modules/zod/v4/mini/"))).toBe(true);
      expect(inputs.some((file) => file.includes("node_modules/@slack/web-api/"))).toBe(true);
      expect([...atImport].filter((file) => file.includes("node_modules/@slack/web-api/"))).toEqual([]);
    },
  );
});
