import { readFileSync } from "node:fs";
import { alive } from "./process-tree";

/** The parent pid and command line of `pid`, from /proc; undefined where there is no /proc or it exited. */
function processInfo(pid: number): { ppid: number; cmdline: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    return { ppid, cmdline };
  } catch {
    return undefined;
  }
}

/**
 * The processes that launched this one for `npm start`: `npm start`, its `sh -c tsx ...` and tsx itself
 * (nearest first). `kill <npm pid>` reaches npm, which passes SIGTERM to `sh`, which dies without passing
 * it on: tsx and this process are left running with moto and HAProxy, orphaned. Watching the launchers
 * lets the sandbox stop as if it had been signalled itself.
 */
export function launcherChain(isLauncher: (cmdline: string) => boolean): number[] {
  const chain: number[] = [];
  let pid = process.ppid;
  // Bounded: a process tree is never this deep.
  for (let depth = 0; depth < 16 && pid > 1; depth += 1) {
    const info = processInfo(pid);
    if (info === undefined || !isLauncher(info.cmdline)) break;
    chain.push(pid);
    pid = info.ppid;
  }
  return chain;
}

/** `npm start` as npm titles itself, and any command line that runs the sandbox's entry point. */
export const isSandboxLauncher = (entry: string) => (cmdline: string) =>
  /^npm( |$)/.test(cmdline) || cmdline.includes(entry);

/**
 * Calls `onGone` once when any launcher has exited (checked every `everyMs`); returns the stop function.
 * The timer is unref'd: it never keeps the process alive by itself.
 */
export function watchLaunchers(chain: readonly number[], onGone: () => void, everyMs = 1_000): () => void {
  if (chain.length === 0) return () => undefined;
  const timer = setInterval(() => {
    if (chain.every(alive)) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
