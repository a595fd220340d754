import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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
 * Runs in a fresh `node -e` process: times loading the bundle (as Lambda does), reports that on fd 1,
 * then invokes the handler with a scheduled event. Its first AWS request goes to a listener in the
 * parent process (see timeImport), so the child loads nothing of its own for the measurement and its
 * request is seen when it leaves, even if the function goes on compiling after sending it.
 */
const CHILD = `
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
// As Lambda's Node.js runtime loads a handler: require(), or import() when it is an ES module (a .js file
// under a package.json saying "type": "module"; require() refuses those).
const load = () => {
  try {
    return Promise.resolve(require(process.env.BENCH_BUNDLE));
  } catch (error) {
    if (error.code !== "ERR_REQUIRE_ESM") throw error;
    return import(require("node:url").pathToFileURL(process.env.BENCH_BUNDLE).href);
  }
};
load().then((mod) => {
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(c0);
  // fs.writeSync: no stdout stream to set up inside the measured time.
  require("node:fs").writeSync(1, "\\nBENCH " + JSON.stringify({
    t0: String(t0),
    importMs: Number(t1 - t0) / 1e6,
    importCpuMs: (cpu.user + cpu.system) / 1000,
  }) + "\\n");
  setTimeout(() => process.exit(0), Number(process.env.BENCH_READY_LIMIT_MS)).unref();
  Promise.resolve()
    .then(() => mod.handler(JSON.parse(process.env.BENCH_EVENT), { getRemainingTimeInMillis: () => 60000 }))
    .catch(() => {});
});
`;

/**
 * Times one cold start of `bundleFile` in a fresh process: the import, and ready = the first AWS request
 * arriving at a local listener standing in for AWS. That is the cold start a Lambda pays before its first
 * request leaves: config read, SDK clients built, credentials resolved, the request signed and sent. The
 * child's t0 and this process's arrival time are both read from the system's monotonic clock.
 */
export async function timeImport(
  bundleFile: string,
  configFile: string,
  readyLimitMs = 10_000,
): Promise<ImportSample> {
  let arrivedAt: bigint | undefined;
  let stopChild = () => {};
  const standIn = createServer((_request, response) => {
    arrivedAt ??= process.hrtime.bigint();
    response.destroy();
    stopChild();
  });
  await new Promise<void>((resolve) => standIn.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = standIn.address() as AddressInfo;
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(
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
            AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
            AWS_ACCESS_KEY_ID: "bench",
            AWS_SECRET_ACCESS_KEY: "bench",
            AWS_REGION: "eu-west-1",
            AWS_EC2_METADATA_DISABLED: "true",
            // Lambda runs nodejs22.x, where the SDK prints no "needs Node 22" warning: a Node 20 machine
            // would otherwise time a warning (and stderr set up to print it) that no Lambda pays.
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          },
        },
        (error, out, stderr) => {
          if (out.includes("\nBENCH ")) resolve(out);
          else
            reject(new Error(`timing ${bundleFile} printed no result: ${error?.message ?? ""}\n${stderr}`));
        },
      );
      stopChild = () => child.kill("SIGKILL");
    });
    const line = stdout.split("\n").find((l) => l.startsWith("BENCH ")) as string;
    const reported = JSON.parse(line.slice("BENCH ".length)) as {
      t0: string;
      importMs: number;
      importCpuMs: number;
    };
    return {
      importMs: reported.importMs,
      importCpuMs: reported.importCpuMs,
      readyMs: arrivedAt === undefined ? null : Number(arrivedAt - BigInt(reported.t0)) / 1e6,
    };
  } finally {
    standIn.close();
  }
}
