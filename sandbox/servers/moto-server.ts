import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { freeLoopbackPort } from "./free-port";

export interface MotoServer {
  readonly url: string;
  readonly port: number;
  /** Last lines moto printed: an unhandled moto error is an HTML 500, its cause is only in this log. */
  log(): string;
  stop(): Promise<void>;
}

export const MOTO_INSTALL_HINT = 'pip install "moto[server]"';

/** True when the machine's python3 can import moto's server. */
export function motoAvailable(python = "python3"): boolean {
  const probe = spawnSync(python, ["-c", "import moto.server"], { stdio: "ignore" });
  return probe.status === 0;
}

/**
 * Starts `python3 -m moto.server` on a free loopback port and waits until it answers.
 * The caller owns the process: call stop() (tests: in afterAll).
 */
export async function startMoto(
  options: { python?: string; readyTimeoutMs?: number } = {},
): Promise<MotoServer> {
  const python = options.python ?? "python3";
  const port = await freeLoopbackPort();
  const child = spawn(python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    // moto must never see a developer's real credentials or profile.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PYTHONUNBUFFERED: "1" },
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(url, child, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await stopProcess(child);
    throw new Error(`moto server did not start on ${url}: ${(error as Error).message}\n${lines.join("\n")}`, {
      cause: error,
    });
  }
  return { url, port, log: () => lines.join("\n"), stop: () => stopProcess(child) };
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer within ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL if the process has not exited within two seconds. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
  await exited;
  clearTimeout(timer);
}
