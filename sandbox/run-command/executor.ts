import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

/** SSM keeps the first 24,000 characters of stdout and 8,000 of stderr (aws.md, "SSM Run Command"). */
export const STDOUT_LIMIT = 24_000;
export const STDERR_LIMIT = 8_000;
/** The SSM agent's exit code for a script it killed on timeout: 128 + SIGKILL. */
export const TIMED_OUT_EXIT_CODE = 137;
const EXIT_GRACE_MS = 200;

export interface ScriptRun {
  readonly script: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface ScriptResult {
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningScript {
  readonly result: Promise<ScriptResult>;
  /** Kills the whole process group and resolves once the shell has exited. */
  kill(): Promise<void>;
}

/**
 * Runs one step's script with `bash -c` in its own process group, like the SSM agent does, so that a timeout
 * or stop() also kills whatever the script started (a `sleep`, a daemon it forked) and not only bash.
 */
export function runScript(run: ScriptRun): RunningScript {
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn("bash", ["-c", run.script], {
      cwd: run.cwd,
      env: { ...run.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    // spawn throws synchronously for arguments it cannot pass (e.g. a NUL byte in the script or env):
    // report it as the step's failure rather than crash the stand-in.
    const stderr = `failed to start bash: ${(error as Error).message}`;
    return {
      result: Promise.resolve({ exitCode: 1, timedOut: false, stdout: "", stderr }),
      kill: async () => {},
    };
  }
  const stdout = new CappedText(STDOUT_LIMIT);
  const stderr = new CappedText(STDERR_LIMIT);
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

  let timedOut = false;
  const killGroup = () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, run.timeoutMs);

  // Wait for "close" so the output pipes are drained before the result is read, but only briefly after
  // "exit": a script may leave a background process holding stdout open, and the agent does not wait for it.
  const closed = new Promise<number | null>((resolve) => {
    child.once("close", (code) => resolve(code));
    child.once("exit", (code) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve(code);
      }, EXIT_GRACE_MS).unref();
    });
    child.once("error", (error) => {
      stderr.pushText(`failed to start bash in ${run.cwd}: ${error.message}`);
      resolve(null);
    });
  });
  const result = closed.then((code): ScriptResult => {
    clearTimeout(timer);
    const exitCode = timedOut ? TIMED_OUT_EXIT_CODE : (code ?? 1);
    return { exitCode, timedOut, stdout: stdout.text(), stderr: stderr.text() };
  });
  return {
    result,
    kill: async () => {
      clearTimeout(timer);
      killGroup();
      await closed;
    },
  };
}

/** Keeps the first `limit` characters of a stream and drops the rest, so a chatty script cannot fill memory. */
class CappedText {
  private readonly decoder = new StringDecoder("utf8");
  private collected = "";

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    if (this.collected.length >= this.limit) return;
    this.pushText(this.decoder.write(chunk));
  }

  pushText(text: string): void {
    if (this.collected.length >= this.limit) return;
    this.collected = (this.collected + text).slice(0, this.limit);
  }

  text(): string {
    return this.collected;
  }
}
