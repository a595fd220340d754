// The production esbuild options of every function bundle, in one place: serverless.yml hands them to
// serverless-esbuild (custom.esbuild.config) and `npm run bench` builds with the same object, so the
// benchmark measures exactly what ships.
const fs = require("node:fs");
const path = require("node:path");

/**
 * zod's `z` namespace re-exports `z.locales`: every one of its ~50 translations of the error messages
 * (about 260 KiB minified, a fifth of each bundle) is bundled and compiled at every cold start, though
 * only English, which zod installs itself, is ever used. This keeps `z.locales.en` and drops the rest.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)$/.test(args.resolveDir)
        ? { path: path.join(args.resolveDir, "../locales/en.js"), namespace: "zod-english-only" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
      loader: "js",
    }));
  },
};

/**
 * Bundled CommonJS packages (@slack/web-api and its dependencies) call `require` for Node's own modules;
 * an ES module has no `require`, so every output file defines one first.
 */
const requireForCommonJs =
  'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);';

/** serverless-esbuild's option names (`exclude` and `outputFileExtension` are its own; the rest goes to esbuild). */
const pluginOptions = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: "node20",
  platform: "node",
  // ES modules with code splitting: what a function reaches only through `import()` (its runtime: AWS
  // clients, adapters and workflow; the Slack client; the SDK's credential providers for profiles, SSO and
  // web identity, which a Lambda with credentials in its environment never uses) becomes a chunk of its
  // own, compiled when it is first imported instead of with the handler at every cold start.
  format: "esm",
  splitting: true,
  // `.js`, not `.mjs`: `serverless invoke local` (osls 4) loads only .js and .cjs handlers. The
  // package.json written next to the function folders says `"type": "module"`, which is how Lambda and
  // Node tell an ES module `.js` file (see esmPackageJson).
  outputFileExtension: ".js",
  // Chunks go next to the handler as handler.chunks/*.js: serverless-esbuild leaves files named after
  // another function's bundle (`handler.` + anything) out of a function's zip, so each zip carries its own
  // chunks and no other function's (test/unit/serverless-template.test.ts runs each unpacked zip).
  chunkNames: "handler.chunks/[name]-[hash]",
  banner: { js: requireForCommonJs },
  // Prefer ES module builds: they tree-shake, bundles come out ~40% smaller.
  mainFields: ["module", "main"],
  // Bundle the AWS SDK v3 instead of relying on the copy the nodejs22.x runtime ships: its version
  // would be whatever Lambda has that day, not the one the tests ran against.
  exclude: [],
  // Our errors name themselves after their class (new.target.name): minified names would be letters.
  keepNames: true,
};

/**
 * `{"type": "module"}` in the folder above the function's output folder (functions/package.json in the
 * build and in every zip): the nearest package.json is what makes Lambda's runtime and Node load a `.js`
 * file as an ES module. Above the output folder, not in it, so that it is one file that every function's
 * zip carries, rather than one per function that would land in the others' zips too.
 */
const esmPackageJson = {
  name: "esm-package-json",
  setup(build) {
    build.onEnd(async (result) => {
      const { outdir, format, write } = build.initialOptions;
      if (result.errors.length > 0 || outdir === undefined || format !== "esm" || write === false) return;
      const file = path.join(path.dirname(outdir), "package.json");
      await fs.promises.writeFile(file, `${JSON.stringify({ type: "module" })}\n`);
    });
  },
};

/**
 * Two things in each AWS SDK client's generated schemas (dist-es/schemas/schemas_0.js) that every cold
 * start paid for without using them:
 *
 * - Every client registers all of its service's modeled errors when it loads, so that it can
 *   deserialize each into a class of its own: SSM's 141 error classes and their schemas were ~48 KiB of
 *   every bundle. Without a registration the SDK throws the service's base exception
 *   (SSMServiceException...) with the same name, message, $fault and $metadata, and the fields of the
 *   error's body. Our code tells AWS errors apart by name (shared/adapters/aws/aws-error.ts), as the SDK's
 *   own retry rules do, so those registrations are left out, and the classes and schemas with them.
 * - Traits are written with computed keys (`{ [_xN]: _ip }`, `_xN` a string constant), and esbuild keeps
 *   every statement with a computed key, in case the key has side effects: EC2's schemas (8,861 such keys)
 *   were ~540 KiB of flow-control's and status' bundles whatever operations they call. Each key naming a
 *   string constant of the file is written as that string, which means the same, and unused schemas go.
 *
 * test/integration/bundles/bundled-sdk-schemas.test.ts runs the bundled SSM and EC2 adapters against moto.
 */
const trimAwsSdkSchemas = {
  name: "trim-aws-sdk-schemas",
  setup(build) {
    const schemas = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/;
    build.onLoad({ filter: schemas }, async (args) => {
      const source = await fs.promises.readFile(args.path, "utf8");
      const strings = new Map();
      for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm))
        strings.set(name, literal);
      const contents = source
        .replace(/^n\d+_registry\.registerError\(\w+\$, \w+\);$/gm, "")
        .replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key));
      return { contents, loader: "js", resolveDir: path.dirname(args.path) };
    });
  },
};

const plugins = () => [zodEnglishOnly, trimAwsSdkSchemas, esmPackageJson];

/**
 * The options serverless-esbuild passes on to esbuild.build(): its own `exclude` becomes `external` and
 * `outputFileExtension` becomes `outExtension`. Splitting needs an output directory (`outdir`), not a file.
 */
function esbuildOptions() {
  const { exclude, mainFields, outputFileExtension, banner, ...rest } = pluginOptions;
  return {
    ...rest,
    mainFields: [...mainFields],
    banner: { ...banner },
    outExtension: { ".js": outputFileExtension },
    external: [...exclude],
    plugins: plugins(),
  };
}

// serverless-esbuild calls the module with the serverless instance and merges the result over its defaults.
module.exports = () => ({
  ...pluginOptions,
  mainFields: [...pluginOptions.mainFields],
  banner: { ...pluginOptions.banner },
  exclude: [...pluginOptions.exclude],
  plugins: plugins(),
});
module.exports.esbuildOptions = esbuildOptions;
