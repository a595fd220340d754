// Serverless variable source: `${file(./infra/serverless/stage.js):config}` and `:resources`.
// Loads the TypeScript config schema through tsx so `serverless package` validates config/<stage>.yml
// with the same zod schema the functions use at cold start.
require("tsx/cjs/api").register();
const { loadStage, roleResources } = require("./resources.ts");

const stageOf = (options) => options.stage || "sandbox";

module.exports.config = async ({ options }) => loadStage(stageOf(options));
module.exports.resources = async ({ options }) => roleResources(loadStage(stageOf(options)));
