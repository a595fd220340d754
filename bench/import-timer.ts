import { execFile } from "node:child_process";
import { repoRoot } from "./bundles";
import { scheduledEvent } from "./events";

/** What one fresh node process measured for one bundle. */
export interface ImportSample {
  importMs: number;
  /** CPU time (user + system, all threads) of the require: steadier than wall time on a busy machine. */
  importCpuMs: number;
  /** null when the bundle made no AWS request within the child's time limit. */
  readyMs: number | null;
}

/**
 * Runs in a fresh `node -e` process: times loading the bundle (as Lambda does), then invokes the handler with a scheduled
 * event and stops the clock when its first AWS request (the Slack token from SSM) reaches a local HTTP
 * listener standing in for AWS. That is the cold start a Lambda pays before any real work: config parsed
 * and validated, SDK clients built, credentials resolved, the request signed and sent.
 */
const CHILD = `
const file = process.env.BENCH_BUNDLE;
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
// As Lambda's Node.js runtime loads a handler: require(), or import() when it is an ES module (a .js file
// under a package.json saying "type": "module"; require() refuses those).
const load = () => {
  try {
    return Promise.resolve(require(file));
  } catch (error) {
    if (error.code !== "ERR_REQUIRE_ESM") throw error;
    return import(require("node:url").pathToFileURL(file).href);
  }
};
const loaded = load();
loaded.then((mod) => {
const t1 = process.hrtime.bigint();
const cpu = process.cpuUsage(c0);
const ms = (t) => Number(t - t0) / 1e6;
const report = (readyMs) => {
  process.stdout.write("\\nBENCH " + JSON.stringify({ importMs: ms(t1), importCpuMs: (cpu.user + cpu.system) / 1000, readyMs }) + "\\n");
  process.exit(0);
};
const server = require("node:http").createServer(() => report(ms(process.hrtime.bigint())));
setTimeout(() => report(null), Number(process.env.BENCH_READY_LIMIT_MS)).unref();
server.listen(0, "127.0.0.1", () => {
  process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:" + server.address().port;
  const event = JSON.parse(process.env.BENCH_EVENT);
  Promise.resolve()
    .then(() => mod.handler(event, { getRemainingTimeInMillis: () => 60000 }))
    .catch(() => {});
});
});
`;

export function timeImport(
  bundleFile: string,
  configFile: string,
  readyLimitMs = 10_000,
): Promise<ImportSample> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", CHILD],
      {
        cwd: repoRoot,
        timeout: readyLimitMs + 20_000,
        // A clean environment: the same for both bundles, and nothing that could reach a real account.
        env: {
          PATH: process.env.PATH ?? "",
          BENCH_BUNDLE: bundleFile,
          BENCH_EVENT: JSON.stringify(scheduledEvent(new Date("2026-11-02T20:05:00Z"))),
          BENCH_READY_LIMIT_MS: String(readyLimitMs),
          STAGE: "sandbox",
          CONFIG_FILE: configFile,
          LOG_LEVEL: "error",
          AWS_ACCESS_KEY_ID: "bench",
          AWS_SECRET_ACCESS_KEY: "bench",
          AWS_REGION: "eu-west-1",
          AWS_EC2_METADATA_DISABLED: "true",
        },
      },
      (error, stdout, stderr) => {
        const line = stdout.split("\n").find((l) => l.startsWith("BENCH "));
        if (line === undefined) {
          reject(new Error(`timing ${bundleFile} printed no result: ${error?.message ?? ""}\n${stderr}`));
          return;
        }
        resolve(JSON.parse(line.slice("BENCH ".length)) as ImportSample);
      },
    );
  });
}
