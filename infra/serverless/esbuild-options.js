// The production esbuild options of every function bundle, in one place: serverless.yml hands them to
// serverless-esbuild (custom.esbuild.config) and `npm run bench` builds with the same object, so the
// benchmark measures exactly what ships.
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

/** serverless-esbuild's option names (`exclude` is its own; everything else goes to esbuild). */
const pluginOptions = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: "node20",
  platform: "node",
  format: "cjs",
  // Prefer ES module builds: they tree-shake, bundles come out ~40% smaller.
  mainFields: ["module", "main"],
  // Bundle the AWS SDK v3 instead of relying on the copy the nodejs22.x runtime ships: its version
  // would be whatever Lambda has that day, not the one the tests ran against.
  exclude: [],
  // Our errors name themselves after their class (new.target.name): minified names would be letters.
  keepNames: true,
};

const plugins = () => [zodEnglishOnly];

/** The options serverless-esbuild passes on to esbuild.build(): its own `exclude` becomes `external`. */
function esbuildOptions() {
  const { exclude, mainFields, ...rest } = pluginOptions;
  return { ...rest, mainFields: [...mainFields], external: [...exclude], plugins: plugins() };
}

// serverless-esbuild calls the module with the serverless instance and merges the result over its defaults.
module.exports = () => ({
  ...pluginOptions,
  mainFields: [...pluginOptions.mainFields],
  exclude: [...pluginOptions.exclude],
  plugins: plugins(),
});
module.exports.esbuildOptions = esbuildOptions;
