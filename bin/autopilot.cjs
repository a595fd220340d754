#!/usr/bin/env node
// The `autopilot` command: registers tsx so the TypeScript CLI runs as is (no build step), then hands
// over. Exit codes: 0 ok, 1 refused, 2 invalid input or usage, 3 invocation or AWS error.
require("tsx/cjs");
// The SDK's Node 20 support warning, off for this command only (why: cli/sdk-warning.ts).
require("../cli/sdk-warning.ts").quietNodeSupportWarning();
const { runCli } = require("../cli/main.ts");

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`autopilot: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 3;
  },
);
