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
