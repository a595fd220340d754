/**
 * Starts ONE local HAProxy "instance" on loopback, the way an EC2 instance runs it: the repository's
 * infra/haproxy/haproxy.cfg with its FC_* environment, a map file, allowlists, a tiny application backend,
 * and infra/instance/flowctl configured to drive it. Used by the HAProxy integration tests and the sandbox.
 *
 * @example
 *   const instance = await startHaproxyInstance({ name: "i-0001", allowlistIps: ["127.0.0.2"] });
 *   const { exitCode, json } = await instance.runFlowctl(["close"]); // 0, { ok: true, mode: "closed", ... }
 *   await instance.stop(); // haproxy master + workers and the backend are gone
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const haproxyConfigPath = path.join(repoRoot, "infra/haproxy/haproxy.cfg");
export const flowctlPath = path.join(repoRoot, "infra/instance/flowctl");

export const HAPROXY_MISSING_MESSAGE =
  "the haproxy binary (2.6) was not found on PATH or in /usr/sbin: run `npm run setup` (or apt-get install -y haproxy)";

/** The single JSON line flowctl prints on stdout. */
export interface FlowctlJson {
  ok: boolean;
  action: string;
  mode: "open" | "closed" | "admitting" | "unknown";
  admitRate: number;
  servedMode: "open" | "closed" | "admitting" | "unknown";
  changed: boolean;
  elapsedMs: number;
  message: string;
}

export interface FlowctlResult {
  exitCode: number;
  json: FlowctlJson;
  stderr: string;
}

/** What the loopback status endpoint (frontend fc_status) answers. */
export interface ServedStatus {
  mode: "open" | "closed" | "admitting";
  flowControl: "on" | "off";
  admitRate: number;
  /** The worker that answered: changes on reload. */
  pid: number;
}

export interface HaproxyInstanceOptions {
  /** Echoed by the backend ("backend-ok <name>") so a fleet of instances can be told apart. */
  name?: string;
  allowlistIps?: string[];
  allowlistPaths?: string[];
  cookieName?: string;
  initialMode?: { flowControl: "on" | "off"; admitRate: number };
  /** Extra flowctl.conf settings, e.g. { VERIFY_TIMEOUT_MS: "800" }. */
  flowctlSettings?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface HaproxyInstance {
  name: string;
  dir: string;
  frontendUrl: string;
  statusUrl: string;
  flowctlConfigPath: string;
  mapFile: string;
  adminSocket: string;
  cookieName: string;
  /** Runs flowctl with this instance's settings; throws unless stdout is exactly one JSON line. */
  runFlowctl(args: string[], options?: { env?: Record<string, string> }): Promise<FlowctlResult>;
  status(): Promise<ServedStatus>;
  /** Reloads through the master CLI and resolves once a new worker answers the status endpoint. */
  reload(): Promise<void>;
  /** Stops haproxy (master and every worker) and the backend, and removes the directory. */
  stop(): Promise<void>;
  /** HAProxy's own output (startup messages, request log), for failure diagnostics. */
  log(): Promise<string>;
}

export function findHaproxy(): string | undefined {
  for (const candidate of [process.env.HAPROXY_BIN, "haproxy", "/usr/sbin/haproxy"]) {
    if (candidate && spawnSync(candidate, ["-v"], { stdio: "ignore" }).status === 0) return candidate;
  }
  return undefined;
}

export function haproxyAvailable(): boolean {
  return findHaproxy() !== undefined;
}

/**
 * true when the HAProxy tests should be skipped: haproxy missing outside CI (said loudly). In CI a missing
 * binary must fail the run instead, which startHaproxyInstance() does in beforeAll.
 */
export function skipHaproxyTests(): boolean {
  if (haproxyAvailable() || process.env.CI === "true") return false;
  console.warn(`SKIPPING the HAProxy integration tests: ${HAPROXY_MISSING_MESSAGE}`);
  return true;
}

export async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no TCP address for a free port");
  return address.port;
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One GET. New users send no cookie; cookie holders pass `cookie: "name=1"`. */
export function httpGet(
  url: string,
  options: { agent?: http.Agent; cookie?: string; localAddress?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      url,
      {
        agent: options.agent ?? false,
        localAddress: options.localAddress,
        headers: options.cookie ? { cookie: options.cookie } : {},
        timeout: options.timeoutMs ?? 5_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on("error", reject);
  });
}

/** Polls until check() returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
}

export async function startHaproxyInstance(options: HaproxyInstanceOptions = {}): Promise<HaproxyInstance> {
  const haproxyBin = findHaproxy();
  if (haproxyBin === undefined) throw new Error(HAPROXY_MISSING_MESSAGE);
  const name = options.name ?? "i-local";
  const cookieName = options.cookieName ?? "ta_admitted";
  const dir = await mkdtemp(path.join(tmpdir(), "ta-haproxy-"));
  const backend = await startBackend(name);
  try {
    return await startInDir(haproxyBin, dir, backend, name, cookieName, options);
  } catch (error) {
    await backend.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startInDir(
  haproxyBin: string,
  dir: string,
  backend: Backend,
  name: string,
  cookieName: string,
  options: HaproxyInstanceOptions,
): Promise<HaproxyInstance> {
  const stateDir = path.join(dir, "state");
  await mkdir(stateDir);
  const mapFile = path.join(stateDir, "flow-control.map");
  const initial = options.initialMode ?? { flowControl: "off", admitRate: 0 };
  await writeFile(mapFile, `flow_control ${initial.flowControl}\nadmit_rate ${initial.admitRate}\n`);
  const ipsFile = path.join(dir, "allowlist-ips.txt");
  const pathsFile = path.join(dir, "allowlist-paths.txt");
  await writeFile(ipsFile, patternFile(options.allowlistIps));
  await writeFile(pathsFile, patternFile(options.allowlistPaths));

  const adminSocket = path.join(dir, "admin.sock");
  // Ports are picked then released, so another process may grab one first: retry with fresh ports.
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const frontendPort = await freeLoopbackPort();
    const statusPort = await freeLoopbackPort();
    const fcEnv: Record<string, string> = {
      FC_FRONTEND_BIND: `127.0.0.1:${frontendPort}`,
      FC_BACKEND_ADDR: `127.0.0.1:${backend.port}`,
      FC_STATUS_BIND: `127.0.0.1:${statusPort}`,
      FC_ADMIN_SOCKET: adminSocket,
      FC_STATE_DIR: stateDir,
      FC_ALLOWLIST_IPS: ipsFile,
      FC_ALLOWLIST_PATHS: pathsFile,
      FC_COOKIE_NAME: cookieName,
    };
    const envFile = path.join(dir, "haproxy.env");
    await writeFile(
      envFile,
      `${Object.entries(fcEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n")}\n`,
    );
    const flowctlConfigPath = path.join(dir, "flowctl.conf");
    const settings: Record<string, string> = {
      HAPROXY_BIN: haproxyBin,
      HAPROXY_CFG: haproxyConfigPath,
      HAPROXY_ENV_FILE: envFile,
      LOCK_FILE: path.join(dir, "flowctl.lock"),
      LOCK_WAIT_SECONDS: "2",
      ...options.flowctlSettings,
    };
    await writeFile(flowctlConfigPath, renderShellSettings(settings));

    const statusUrl = `http://127.0.0.1:${statusPort}/`;
    const logFile = path.join(dir, "haproxy.log");
    const masterSocket = path.join(dir, "master.sock");
    const master = spawnHaproxy(haproxyBin, masterSocket, fcEnv, logFile);
    try {
      await waitFor(
        "haproxy to serve its status endpoint",
        async () => {
          if (master.exitCode !== null) throw new Error(`haproxy exited with ${master.exitCode}`);
          return (await fetchStatus(statusUrl)) ?? undefined;
        },
        options.readyTimeoutMs ?? 5_000,
      );
      // The master re-executes itself once the workers are up and rebinds its CLI socket meanwhile
      // (connections are refused for a moment): wait for it too, so reload() can be called at once.
      await waitFor(
        "the haproxy master CLI",
        async () => ((await masterCommand(masterSocket, "show proc")).includes("worker") ? true : undefined),
        options.readyTimeoutMs ?? 5_000,
      );
    } catch (error) {
      await killHaproxy(master);
      const log = await readFile(logFile, "utf8").catch(() => "");
      lastError = new Error(`haproxy did not start (attempt ${attempt}):\n${log}`, { cause: error });
      if (/cannot bind|Address already in use/i.test(log) && attempt < 3) continue;
      break;
    }

    const instance: HaproxyInstance = {
      name,
      dir,
      frontendUrl: `http://127.0.0.1:${frontendPort}`,
      statusUrl,
      flowctlConfigPath,
      mapFile,
      adminSocket,
      cookieName,
      runFlowctl: (args, runOptions) => runFlowctl(flowctlConfigPath, args, runOptions?.env),
      async status() {
        const status = await fetchStatus(statusUrl);
        if (status === null) throw new Error(`status endpoint ${statusUrl} did not answer`);
        return status;
      },
      async reload() {
        const before = await instance.status();
        // Retried: a master still re-executing after the previous reload refuses connections briefly.
        await waitFor(
          "the haproxy master CLI to take the reload",
          async () => {
            await masterCommand(masterSocket, "reload");
            return true;
          },
          3_000,
        );
        await waitFor(
          "a new haproxy worker after reload",
          async () => {
            const status = await fetchStatus(statusUrl);
            return status !== null && status.pid !== before.pid ? status : undefined;
          },
          5_000,
        );
      },
      async stop() {
        await killHaproxy(master);
        await backend.close();
        await rm(dir, { recursive: true, force: true });
      },
      log: () => readFile(logFile, "utf8"),
    };
    return instance;
  }
  throw lastError;
}

function patternFile(patterns: string[] = []): string {
  return ["# written by sandbox/servers/haproxy-instance.ts", ...patterns, ""].join("\n");
}

function renderShellSettings(settings: Record<string, string>): string {
  // Single-quoted for the shell: the values are paths and numbers from this file, never user input.
  const lines = Object.entries(settings).map(([key, value]) => `${key}='${value.replaceAll("'", `'\\''`)}'`);
  return `# written by sandbox/servers/haproxy-instance.ts\n${lines.join("\n")}\n`;
}

/** Every haproxy started here, so a crashed test run still kills them on exit. */
const liveMasters = new Set<ChildProcess>();
process.once("exit", () => {
  for (const master of liveMasters) killGroup(master, "SIGKILL");
});

function spawnHaproxy(
  bin: string,
  masterSocket: string,
  fcEnv: Record<string, string>,
  logFile: string,
): ChildProcess {
  const log = openSync(logFile, "a");
  try {
    // detached: its own process group, so stop() can signal the master and all its workers at once.
    const master = spawn(bin, ["-W", "-S", masterSocket, "-f", haproxyConfigPath], {
      env: { ...process.env, ...fcEnv },
      stdio: ["ignore", log, log],
      detached: true,
    });
    liveMasters.add(master);
    return master;
  } finally {
    closeSync(log);
  }
}

/** Signals the master's whole process group; signal 0 only asks whether any of it is still alive. */
function killGroup(master: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  if (master.pid === undefined) return false;
  try {
    process.kill(-master.pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the whole group is gone
  }
}

async function killHaproxy(master: ChildProcess): Promise<void> {
  // SIGTERM to the master stops the workers too; the group signal also reaches old workers of a reload.
  if (master.exitCode === null && master.signalCode === null) {
    const exited = new Promise((resolve) => master.once("exit", resolve));
    killGroup(master, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  }
  await waitFor(
    "haproxy processes to exit",
    async () => (killGroup(master, 0) ? undefined : true),
    3_000,
  ).catch(() => killGroup(master, "SIGKILL"));
  liveMasters.delete(master);
}

async function fetchStatus(statusUrl: string): Promise<ServedStatus | null> {
  try {
    const response = await httpGet(statusUrl, { timeoutMs: 1_000 });
    return response.status === 200 ? (JSON.parse(response.body) as ServedStatus) : null;
  } catch {
    return null;
  }
}

/**
 * Sends one command to the master CLI. The 2.6 master keeps the connection open after answering, so the
 * answer is taken as complete once the socket closes or stays quiet for 300 ms.
 */
function masterCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let output = "";
    let quiet: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(quiet);
      socket.destroy();
      resolve(output);
    };
    socket.setTimeout(5_000, () => socket.destroy(new Error(`master CLI "${command}" timed out`)));
    socket.on("connect", () => {
      socket.write(`${command}\n`);
      quiet = setTimeout(settle, 300);
    });
    socket.on("data", (chunk) => {
      output += chunk.toString("utf8");
      clearTimeout(quiet);
      quiet = setTimeout(settle, 300);
    });
    socket.on("close", settle);
    socket.on("error", (error) => {
      clearTimeout(quiet);
      reject(error);
    });
  });
}

function runFlowctl(
  configPath: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<FlowctlResult> {
  return new Promise((resolve, reject) => {
    // bash explicitly: the test must not depend on the executable bit surviving a checkout.
    const child = spawn("bash", [flowctlPath, ...args], {
      env: { ...process.env, FLOWCTL_CONFIG: configPath, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split("\n").filter((line) => line !== "");
      if (lines.length !== 1 || code === null) {
        reject(
          new Error(
            `flowctl ${args.join(" ")} must print exactly one JSON line (exit ${code ?? signal}); stdout:\n${stdout}\nstderr:\n${stderr}`,
          ),
        );
        return;
      }
      resolve({ exitCode: code, json: JSON.parse(lines[0] as string) as FlowctlJson, stderr });
    });
  });
}

interface Backend {
  port: number;
  close(): Promise<void>;
}

async function startBackend(name: string): Promise<Backend> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end(`backend-ok ${name}\n`);
  });
  // Longer than HAProxy's idle server-connection reuse, so HAProxy closes first and never reuses a
  // connection the backend is closing (that race would show up as a spurious 502).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("backend has no TCP address");
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
