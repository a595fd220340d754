import path from "node:path";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import { productionOptions, repoRoot } from "../../../bench/bundles";

const EVENT_DRIVEN = ["canary", "cert-rotation", "flow-control", "origin-balancer", "override", "status"];

interface SplitBundle {
  /** Every source file in the bundle, in any output file. */
  inputs: string[];
  /** Bytes each source file contributes to the bundle, over all output files. */
  bytesOf: (source: RegExp) => number;
  /** Source files in the handler module and the chunks it imports statically: compiled when it loads. */
  atImport: string[];
  /** Source files compiled when the first invocation imports the runtime (functions/<name>/deps.ts). */
  atFirstInvocation: string[];
}

/** The production bundle's outputs, split by when the function's cold start compiles them. */
async function bundleOf(name: string): Promise<SplitBundle> {
  const result = await build({
    ...productionOptions(),
    entryPoints: [path.join(repoRoot, "functions", name, "handler.ts")],
    outdir: path.join(repoRoot, ".bench-test", name),
    write: false,
    metafile: true,
    logLevel: "error",
  });
  const outputs: Metafile["outputs"] = result.metafile.outputs;
  const entryOf = (module: string) => {
    const file = Object.keys(outputs).find((out) => outputs[out]?.entryPoint === module);
    if (file === undefined) throw new Error(`${name}: no output for ${module}`);
    return file;
  };
  /** The output files a file loads with it: itself and its static imports, transitively. */
  const closure = (file: string) => {
    const files = new Set([file]);
    for (const out of files) {
      for (const edge of outputs[out]?.imports ?? []) {
        if (edge.kind === "import-statement" && !edge.external) files.add(edge.path);
      }
    }
    return files;
  };
  const sourcesOf = (files: Set<string>) =>
    [...files].flatMap((out) => Object.keys(outputs[out]?.inputs ?? {}));
  const handlerFiles = closure(entryOf(`functions/${name}/handler.ts`));
  const runtimeFiles = closure(entryOf(`functions/${name}/deps.ts`));
  const contributions = Object.values(outputs).flatMap((out) => Object.entries(out.inputs));
  return {
    inputs: sourcesOf(new Set(Object.keys(outputs))),
    bytesOf: (source) =>
      contributions
        .filter(([file]) => source.test(file))
        .reduce((sum, [, input]) => sum + input.bytesInOutput, 0),
    atImport: sourcesOf(handlerFiles),
    atFirstInvocation: sourcesOf(new Set([...runtimeFiles].filter((file) => !handlerFiles.has(file)))),
  };
}

const from = (pkg: string) => (file: string) => file.includes(`node_modules/${pkg}/`);

describe("what the event-driven functions compile at cold start (production bundles)", () => {
  it.each(EVENT_DRIVEN)(
    "%s: events checked with zod's mini build; the runtime on first invocation; Slack on first post",
    async (name) => {
      const bundle = await bundleOf(name);
      expect(bundle.inputs.filter(from("zod/v4/classic"))).toEqual([]);
      expect(bundle.atImport.some(from("zod/v4/mini"))).toBe(true);
      // The AWS SDK comes with the runtime, on the first invocation, not when the handler is loaded.
      expect(bundle.atImport.filter(from("@aws-sdk"))).toEqual([]);
      expect(bundle.atFirstInvocation.some(from("@aws-sdk/client-ssm"))).toBe(true);
      // Slack's client is in the bundle, in a chunk of its own imported when the first message is posted.
      expect(bundle.inputs.some(from("@slack/web-api"))).toBe(true);
      expect([...bundle.atImport, ...bundle.atFirstInvocation].filter(from("@slack/web-api"))).toEqual([]);
      // Credentials come from the Lambda environment: the SDK's providers for profiles, SSO, processes and
      // web identity (and the STS/SSO clients they use) are chunks it imports only when those are needed.
      for (const provider of [
        "@aws-sdk/credential-provider-ini",
        "@aws-sdk/credential-provider-sso",
        "@aws-sdk/credential-provider-process",
        "@aws-sdk/credential-provider-web-identity",
        "@aws-sdk/nested-clients",
      ]) {
        expect(bundle.atFirstInvocation.filter(from(provider)), provider).toEqual([]);
      }
    },
  );

  // infra/serverless/esbuild-options.js (trimAwsSdkSchemas): no AWS SDK client's modeled error classes,
  // and only the schemas of the operations a function calls (EC2's were ~540 KiB whatever it called).
  it.each(["flow-control", "status"])("%s: the SDK's schemas trimmed to what is called", async (name) => {
    const bundle = await bundleOf(name);
    expect(bundle.bytesOf(/@aws-sdk\/client-[^/]+\/dist-es\/models\/errors\.js$/)).toBe(0);
    expect(bundle.bytesOf(/@aws-sdk\/client-ssm\/dist-es\/schemas\/schemas_0\.js$/)).toBeLessThan(20_000);
    expect(bundle.bytesOf(/@aws-sdk\/client-ec2\/dist-es\/schemas\/schemas_0\.js$/)).toBeLessThan(60_000);
  });
});
