import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { alive, descendants } from "../../sandbox/servers/process-tree";
import { skipHaproxyTests } from "../support/haproxy-instance";
import { motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();
const noHaproxy = skipHaproxyTests();
const root = path.resolve(__dirname, "../..");
const UP_TIMEOUT_MS = 120_000;
const DOWN_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = UP_TIMEOUT_MS + DOWN_TIMEOUT_MS + 30_000;

const scratch = mkdtempSync(path.join(tmpdir(), "sandbox-signals-"));
const scenario = path.join(scratch, "tiny.yml");
writeFileSync(
  scenario,
  `name: tiny
trace: sale-spike
start: "19:40"
clock: { minutesPerSecond: 0 }
instances: 2
scenes:
  - { scene: flow-control, normalAfterMinutes: 1 }
`,
);

interface Kept {
  npm: ChildProcess;
  session: string;
  output: () => string;
}

/** `npm start -- --keep` in its own process group (as a terminal would run it), until the sandbox is up. */
async function startKept(name: string): Promise<Kept> {
  const session = path.join(scratch, name, "session.json");
  const npm = spawn(
    "npm",
    [
      "start",
      "--",
      "--keep",
      "--scenario",
      scenario,
      "--report",
      path.join(scratch, `${name}.html`),
      "--session",
      session,
    ],
    { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  npm.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  npm.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const deadline = Date.now() + UP_TIMEOUT_MS;
  while (!output.includes("Press Ctrl-C") && Date.now() < deadline && npm.exitCode === null) {
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!output.includes("Press Ctrl-C")) {
    if (npm.pid) process.kill(-npm.pid, "SIGKILL");
    throw new Error(`the kept sandbox did not come up:\n${output}`);
  }
  return { npm, session, output: () => output };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return condition();
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A kept sandbox stops everything it started (moto, HAProxy, the node process) and removes its session
 * file, whichever way it is stopped: `kill <npm pid>`, a closed terminal (SIGHUP to the process group),
 * or SIGTERM to the node process itself.
 */
describe.skipIf(!hasMoto || noHaproxy)("signals to a kept sandbox (npm start -- --keep)", () => {
  it.each([
    ["SIGTERM to the npm process", "npm-term", (npm: number) => process.kill(npm, "SIGTERM")],
    ["SIGHUP to the process group", "group-hup", (npm: number) => process.kill(-npm, "SIGHUP")],
  ])(
    "%s stops moto, HAProxy and node and removes the session file",
    async (_, name, signal) => {
      const kept = await startKept(name);
      const pid = kept.npm.pid as number;
      const started = descendants(pid) ?? [];
      const commands = started.map((p) => p.command).join(" ");
      expect(commands).toMatch(/python3|moto/);
      expect(commands).toMatch(/haproxy/);
      expect(existsSync(kept.session)).toBe(true);
      try {
        signal(pid);
        const gone = await until(() => started.every((p) => !alive(p.pid)), DOWN_TIMEOUT_MS);
        const left = started.filter((p) => alive(p.pid));
        expect(left, kept.output()).toEqual([]);
        expect(gone).toBe(true);
        expect(existsSync(kept.session)).toBe(false);
      } finally {
        for (const p of started) if (alive(p.pid)) process.kill(p.pid, "SIGKILL");
      }
    },
    TEST_TIMEOUT_MS,
  );
});
