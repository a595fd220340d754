import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { InvalidConfigError } from "../../../shared/errors";
import { hugeString, pollutionKey, unicodeString } from "./hostile-values";
import { defineOwn } from "./mutate";
import { FUZZ_SEED, RUNS, Tally } from "./verdict";

const root = path.resolve(__dirname, "../../..");
const stages = ["config/example.yml", "config/sandbox.yml"].map((file) => ({
  file,
  document: parseYaml(readFileSync(path.join(root, file), "utf8")) as unknown,
}));

type Node = Record<string, unknown> | unknown[];
type Path = (string | number)[];

/** Every object (for new keys) and every leaf (for new values) of a parsed stage file, with its path. */
function walk(node: unknown, at: Path = [], out = { objects: [] as Path[], leaves: [] as Path[] }) {
  if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) walk(child, [...at, i], out);
  } else if (typeof node === "object" && node !== null) {
    out.objects.push(at);
    for (const [key, child] of Object.entries(node)) walk(child, [...at, key], out);
  } else out.leaves.push(at);
  return out;
}

function parentAt(document: unknown, at: Path): Node {
  return at.slice(0, -1).reduce<unknown>((node, key) => (node as Node)[key as never], document) as Node;
}

interface ConfigCase {
  labels: string[];
  text: string;
  /** The mutation makes the file invalid by construction: a problem must name this path and key. */
  mustReject?: { path: string; mention: string };
}

/** Prints as its labels in a counterexample (the text may be a megabyte). */
function labelled(input: ConfigCase): ConfigCase {
  const copy = { ...input };
  Object.defineProperty(copy, fc.toStringMethod, { value: () => input.labels.join(" + ") });
  return copy;
}

const kinds = ["unknown key", "pollution key", "retyped leaf", "hostile string"] as const;

/** One mutation of one of the real stage files, serialised back to YAML. */
const mutatedStage: fc.Arbitrary<ConfigCase> = fc
  .tuple(
    fc.constantFrom(...stages),
    fc.constantFrom(...kinds),
    fc.nat(),
    pollutionKey,
    fc.oneof(fc.constant([1, 2]), fc.constant({ nested: true }), fc.constant([])),
    fc.oneof(
      hugeString,
      unicodeString,
      fc.constantFrom(
        "",
        "*",
        "{{resolve:ssm:/traffic-autopilot/prod/slack-token}}",
        "!!js/function f",
        "~",
        "null",
      ),
    ),
  )
  .map(([stage, kind, pick, pollution, container, text]): ConfigCase => {
    const document = structuredClone(stage.document);
    const { objects, leaves } = walk(document);
    const leaf = leaves[pick % leaves.length] ?? [];
    const where = objects[pick % objects.length] ?? [];
    const target = where.reduce<unknown>((node, key) => (node as Node)[key as never], document) as Node;
    const show = (p: Path) => p.join(".") || "(root)";
    switch (kind) {
      case "unknown key":
        defineOwn(target, "tiemoutMs", 3000);
        return {
          labels: [`${stage.file}: ${show(where)}.tiemoutMs`],
          text: stringify(document),
          mustReject: { path: show(where), mention: "tiemoutMs" },
        };
      case "pollution key":
        defineOwn(target, pollution, { mode: "auto", isAdmin: true });
        return {
          labels: [`${stage.file}: ${show(where)}.${pollution}`],
          text: stringify(document),
          mustReject: { path: show(where), mention: pollution },
        };
      case "retyped leaf":
        // Every leaf of the stage files is a scalar: a list or a mapping there is never valid.
        defineOwn(parentAt(document, leaf), leaf.at(-1) as string, container);
        return {
          labels: [`${stage.file}: ${show(leaf)} = ${JSON.stringify(container)}`],
          text: stringify(document),
          mustReject: { path: show(leaf), mention: "" },
        };
      case "hostile string":
        defineOwn(parentAt(document, leaf), leaf.at(-1) as string, text);
        return {
          labels: [`${stage.file}: ${show(leaf)} = ${text.slice(0, 20)}… (${text.length})`],
          text: stringify(document),
        };
    }
    throw new Error(`unknown mutation ${kind}`);
  });

/** Not YAML, or YAML built to hurt: alias bombs, deep nesting, tags, random bytes. */
const hostileText: fc.Arbitrary<ConfigCase> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 400 }).map((text) => ({ labels: ["random text"], text })),
  fc.constant<ConfigCase>({
    labels: ["alias bomb"],
    text: `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
  }),
  fc
    .nat({ max: 5_000 })
    .map((depth) => ({ labels: [`nested ${depth} deep`], text: `${"[".repeat(depth)}${"]".repeat(depth)}` })),
  fc
    .constantFrom(
      "!!binary aGVsbG8=",
      "stage: !!js/undefined",
      "--- !<tag:yaml.org,2002:js/function> 'return 1'",
      "%YAML 9.9\n---\nstage: x",
      "\ufeff\u0000",
    )
    .map((text) => ({
      labels: [`text ${JSON.stringify(text)}`],
      text,
    })),
);

describe("stage configuration on hostile input", () => {
  it(`rejects ${RUNS} mutated copies of the real stage files and hostile YAML with every bad key named, and never crashes`, () => {
    const tally = new Tally();
    fc.assert(
      fc.property(
        fc.oneof({ weight: 4, arbitrary: mutatedStage }, { weight: 1, arbitrary: hostileText }).map(labelled),
        (input) => {
          let problems: readonly string[] | undefined;
          try {
            parseStageConfig(input.text, "fuzzed.yml");
            tally.add("accepted"); // a hostile but well-typed value in a free-text field (a channel name)
          } catch (error) {
            const described =
              error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error);
            expect(error, `not an InvalidConfigError: ${described}`).toBeInstanceOf(InvalidConfigError);
            problems = (error as InvalidConfigError).problems;
            expect(problems.length).toBeGreaterThan(0);
            tally.add("rejected:InvalidConfigError");
          }
          if (input.mustReject !== undefined) {
            expect(problems, `accepted: ${input.labels.join(" + ")}`).toBeDefined();
            const { path: where, mention } = input.mustReject;
            expect(
              problems?.some((p) => p.startsWith(`${where}:`) && p.includes(mention)),
              `no problem names ${where} ${mention}: ${problems?.join("\n")}`,
            ).toBe(true);
          }
        },
      ),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
    console.info(`stage config: ${tally.total()} inputs: ${tally}`);
    expect(tally.total()).toBeGreaterThanOrEqual(RUNS);
  });
});
