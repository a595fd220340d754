import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

/** What the checkout copy leaves out: installed or generated trees, and what packaging never reads. */
const NOT_COPIED = new Set([
  "node_modules",
  ".git",
  "test",
  "test-artifacts",
  ".serverless",
  ".esbuild",
  ".sandbox",
]);

/**
 * A copy of the checkout in a temporary directory (node_modules linked, not copied), so `serverless
 * package`/`deploy` write their `.serverless` and `.esbuild` trees there: the template unit test packages
 * the real checkout at the same time and would otherwise see its output replaced mid-read.
 */
export function copyCheckout(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "serverless-checkout-"));
  for (const entry of readdirSync(root)) {
    if (NOT_COPIED.has(entry)) continue;
    cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The environment of a serverless run that can only reach the given endpoint: dummy credentials, a
 * region, a HOME of its own (no ~/.aws profile, CA bundle or real keys can leak in), no telemetry.
 */
export function isolatedAwsEnv(home: string, endpoint?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    SLS_TELEMETRY_DISABLED: "1",
    SLS_NOTIFICATIONS_MODE: "off",
    AWS_ACCESS_KEY_ID: endpoint ? "testing" : "",
    AWS_SECRET_ACCESS_KEY: endpoint ? "testing" : "",
    AWS_REGION: "eu-west-1",
    AWS_DEFAULT_REGION: "eu-west-1",
    ...(endpoint ? { AWS_ENDPOINT_URL: endpoint } : {}),
  };
}

export interface CommandResult {
  status: number | null;
  output: string;
  ms: number;
}

/** Runs the project's own `serverless` (osls) in `cwd`, bounded by `timeoutMs`; never throws. */
export function runServerless(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(path.join(root, "node_modules/.bin/serverless"), args, {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output, ms: Date.now() - started });
    });
  });
}

/** cfn-lint comes with moto's server extra; null when it is not on PATH. */
export function cfnLintAvailable(): boolean {
  return spawnSync("cfn-lint", ["--version"], { stdio: "ignore" }).status === 0;
}

export function cfnLint(template: string): CommandResult {
  const started = Date.now();
  const result = spawnSync("cfn-lint", ["--format", "parseable", template], {
    encoding: "utf8",
    timeout: 240_000,
  });
  return {
    status: result.status,
    output: `${result.stdout ?? ""}${result.stderr ?? ""}`,
    ms: Date.now() - started,
  };
}
