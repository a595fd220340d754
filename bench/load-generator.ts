import { fork } from "node:child_process";
import http from "node:http";
import path from "node:path";

export interface LoadTarget {
  url: string;
  /** "name=value": the admission cookie, so every request must pass whatever mode is served. */
  cookie: string;
}

export interface LoadReport {
  requests: number;
  non2xx: number;
  errors: number;
  durationMs: number;
  /** A few of the failures, for the report when there are any. */
  samples: string[];
}

export interface RunningLoad {
  stop(): Promise<LoadReport>;
}

/**
 * A bounded load: one keep-alive client per target, each sending a request every `intervalMs` (never
 * more than one in flight) until stop() or `maxDurationMs`, counting non-2xx answers and connection errors.
 */
export function startLoad(
  targets: readonly LoadTarget[],
  options: { intervalMs: number; maxDurationMs: number },
): RunningLoad {
  const report: LoadReport = { requests: 0, non2xx: 0, errors: 0, durationMs: 0, samples: [] };
  const started = Date.now();
  let stopped = false;
  const note = (what: string) => {
    if (report.samples.length < 10) report.samples.push(what);
  };
  const client = async (target: LoadTarget) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (!stopped && Date.now() - started < options.maxDurationMs) {
        const sent = Date.now();
        report.requests += 1;
        try {
          const status = await get(target, agent);
          if (status < 200 || status > 299) {
            report.non2xx += 1;
            note(`${target.url}: HTTP ${status}`);
          }
        } catch (error) {
          report.errors += 1;
          note(`${target.url}: ${(error as Error).message}`);
        }
        const wait = options.intervalMs - (Date.now() - sent);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    } finally {
      agent.destroy();
    }
  };
  const clients = Promise.all(targets.map(client));
  return {
    async stop() {
      stopped = true;
      await clients;
      report.durationMs = Date.now() - started;
      return report;
    },
  };
}

/**
 * The same load from a child process: in the bench's own process its ~1,000 requests a second would share
 * the event loop with the handler being timed, which no Lambda does (its users load the instances, not
 * the function). The child is stopped, and killed if it does not answer, when stop() is called.
 */
export function startLoadProcess(
  targets: readonly LoadTarget[],
  options: { intervalMs: number; maxDurationMs: number },
): RunningLoad {
  const child = fork(path.join(__dirname, "load-child.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const report = new Promise<LoadReport>((resolve, reject) => {
    child.once("message", (message: { report: LoadReport }) => resolve(message.report));
    child.once("exit", (code) => reject(new Error(`the load process exited (${code}) without its report`)));
  });
  report.catch(() => undefined);
  child.send({ targets, ...options });
  return {
    async stop() {
      child.send("stop");
      const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      try {
        return await report;
      } finally {
        clearTimeout(killer);
        if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
      }
    },
  };
}

function get(target: LoadTarget, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${target.url}/products`,
      { agent, headers: { cookie: target.cookie }, timeout: 5_000 },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error("timed out after 5 s")));
    request.on("error", reject);
  });
}
