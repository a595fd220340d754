import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

/** The code that ships in a function bundle: every .ts file under functions/ and shared/. */
function shippedFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? shippedFiles(`${dir}/${entry.name}`)
      : entry.name.endsWith(".ts")
        ? [`${dir}/${entry.name}`]
        : [],
  );
}

/** `instanceof X` where X is imported from an AWS SDK client package, as "file: X". */
function instanceofSdkClass(file: string, source: string): string[] {
  const imported = new Set(
    [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/client-[\w-]+"/g)].flatMap((m) =>
      (m[1] as string)
        .split(",")
        .map((name) => name.replace(/\btype\b/, "").trim())
        .filter(Boolean),
    ),
  );
  return [...source.matchAll(/instanceof\s+(\w+)/g)]
    .map((m) => m[1] as string)
    .filter((name) => imported.has(name))
    .map((name) => `${file}: ${name}`);
}

/**
 * The production bundles register none of the SDK's modeled error classes (esbuild-options.js,
 * trimAwsSdkSchemas): there, ParameterNotFound arrives as an SSMServiceException named
 * "ParameterNotFound". `instanceof ParameterNotFound` would pass every test that runs the TypeScript
 * source and be false in Lambda, so shipped code tells AWS errors apart by name (isAwsError).
 */
describe("AWS errors are told apart by name in shipped code", () => {
  it("has no instanceof on an AWS SDK client's class under functions/ or shared/", () => {
    const found = [...shippedFiles("functions"), ...shippedFiles("shared")].flatMap((file) =>
      instanceofSdkClass(file, readFileSync(path.join(root, file), "utf8")),
    );
    expect(found).toEqual([]);
  });

  it("would see one (the check itself)", () => {
    const source = `import {\n  GetParameterCommand,\n  ParameterNotFound,\n} from "@aws-sdk/client-ssm";\nif (error instanceof ParameterNotFound) {}`;
    expect(instanceofSdkClass("x.ts", source)).toEqual(["x.ts: ParameterNotFound"]);
  });
});
