import { readdirSync, readFileSync } from "node:fs";

/**
 * The processes descending from `root` (children, grandchildren...), read from /proc. Used to prove
 * the sandbox leaves nothing behind: snapshot while it runs, then check every one is gone after stop.
 * Returns undefined where there is no /proc (macOS): the check is then not possible, not passed.
 */
export function descendants(root: number = process.pid): { pid: number; command: string }[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(name), ppid);
      commands.set(Number(name), stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
    } catch {
      // exited while we read
    }
  }
  const found: { pid: number; command: string }[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, ppid] of parents) {
      if (ppid === parent && !found.some((f) => f.pid === pid)) {
        found.push({ pid, command: commands.get(pid) ?? "?" });
        queue.push(pid);
      }
    }
  }
  return found;
}

/** true while a process with this pid exists (and is not a zombie awaiting its parent). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
