// Serverless variable source: `${file(./infra/serverless/stage.js):config}`, `:functions`, `:resources`.
// Loads the TypeScript config schema through tsx so `serverless package` validates config/<stage>.yml
// with the same zod schema the functions use at cold start.
require("tsx/cjs/api").register();
const { loadStage, stackResources } = require("./resources.ts");
const { functionDefinitions } = require("./functions.ts");

const { loadReportingOnce } = require("./stage-errors.ts");

const stageOf = (options) => options.stage || "sandbox";
const load = (options) => loadReportingOnce(stageOf(options), () => loadStage(stageOf(options)));

module.exports.config = async ({ options }) => load(options);
module.exports.functions = async ({ options }) => functionDefinitions(load(options));
module.exports.resources = async ({ options }) => stackResources(load(options));

// The compiled stage config the functions read at cold start: validated here with the full schema (every
// problem listed, packaging fails) and written as JSON for the bundles, so no function parses YAML or runs
// the schema when it starts. Resolved by serverless.yml for CONFIG_FILE and the package patterns.
module.exports.compiledConfigFile = async ({ options }) => {
  const { writeCompiledStage } = require("./compiled-stage.ts");
  return loadReportingOnce(stageOf(options), () => writeCompiledStage(stageOf(options)));
};
