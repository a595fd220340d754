import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  flowctlPath,
  HAPROXY_MISSING_MESSAGE,
  haproxyAvailable,
  repoRoot,
  startHaproxyInstance,
} from "../sandbox/servers/haproxy-instance";
import type { FlowctlMeasure, FlowctlResult } from "./results";
import { median, ratio } from "./stats";

/** The last commit whose flowctl ran `haproxy -c` and two python3 per change: the baseline of this bench. */
export const BASELINE_FLOWCTL_COMMIT = "746ee8f";
export const FLOWCTL_GOAL = { changeMs: 60, setMapMs: { min: 4, max: 8 } };

export interface FlowctlBenchOptions {
  changes: number;
  log: (line: string) => void;
}

/**
 * `flowctl close` / `flowctl open` alternately on ONE local HAProxy instance, ours and the baseline
 * interleaved (A B A B ...) so both see the same machine load. Per change: wall time (spawn to exit), CPU
 * time of the whole process tree (bash `times`: steadier than wall time on a busy machine), and
 * set map -> served (what flowctl reports: from its first `set map` until the status endpoint serves it).
 */
export async function benchFlowctl(options: FlowctlBenchOptions): Promise<FlowctlResult> {
  if (!haproxyAvailable()) throw new Error(`flowctl bench: ${HAPROXY_MISSING_MESSAGE}`);
  const instance = await startHaproxyInstance({ name: "i-bench-flowctl" });
  try {
    const baselinePath = extractBaseline(instance.dir);
    const ours = { path: flowctlPath, runs: [] as Run[] };
    const baseline = baselinePath ? { path: baselinePath, runs: [] as Run[] } : undefined;
    // First change under this configuration: ours runs haproxy -c once and records it (not measured).
    await runOnce(flowctlPath, instance.flowctlConfigPath, "close");
    await runOnce(flowctlPath, instance.flowctlConfigPath, "open");
    // A B B A: each side gets as many closes as opens, and every run is a real change.
    const sides = baseline ? [ours, baseline, baseline, ours] : [ours];
    for (
      let j = 0;
      ours.runs.length < options.changes || (baseline?.runs.length ?? options.changes) < options.changes;
      j++
    ) {
      const side = sides[j % sides.length] as { path: string; runs: Run[] };
      side.runs.push(await runOnce(side.path, instance.flowctlConfigPath, j % 2 === 0 ? "close" : "open"));
    }
    const measureOf = (runs: Run[]) => measure(runs.slice(0, options.changes));
    const result: FlowctlResult = {
      changes: options.changes,
      ours: measureOf(ours.runs),
      ...(baseline ? { baseline: { commit: BASELINE_FLOWCTL_COMMIT, ...measureOf(baseline.runs) } } : {}),
      goal: FLOWCTL_GOAL,
    };
    if (result.baseline) {
      result.ratios = {
        wall: ratio(result.ours.wallMs, result.baseline.wallMs),
        cpu: ratio(result.ours.cpuMs, result.baseline.cpuMs),
      };
    }
    options.log(
      `flowctl: ${options.changes} changes: ours wall ${result.ours.wallMs} ms, cpu ${result.ours.cpuMs} ms, set map -> served ${result.ours.setMapMs} ms` +
        (result.baseline
          ? `; baseline wall ${result.baseline.wallMs} ms, cpu ${result.baseline.cpuMs} ms`
          : "; no baseline (git not available)"),
    );
    return result;
  } finally {
    await instance.stop();
  }
}

interface Run {
  wallMs: number;
  cpuMs: number;
  setMapMs: number | null;
}

function extractBaseline(dir: string): string | undefined {
  const shown = spawnSync("git", ["show", `${BASELINE_FLOWCTL_COMMIT}:infra/instance/flowctl`], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (shown.status !== 0) return undefined;
  const file = path.join(dir, "flowctl-baseline");
  writeFileSync(file, shown.stdout);
  return file;
}

function measure(runs: Run[]): FlowctlMeasure {
  const setMap = runs.flatMap((r) => (r.setMapMs === null ? [] : [r.setMapMs]));
  return {
    wallMs: Math.round(median(runs.map((r) => r.wallMs))),
    cpuMs: Math.round(median(runs.map((r) => r.cpuMs))),
    setMapMs: setMap.length > 0 ? median(setMap) : null,
    wallMsP90: Math.round(
      percentile(
        runs.map((r) => r.wallMs),
        0.9,
      ),
    ),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/** One flowctl run under bash, whose `times` builtin then reports the CPU time of its children. */
function runOnce(script: string, configPath: string, action: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("bash", ["-c", 'bash "$0" "$1"; rc=$?; times >&2; exit $rc', script, action], {
      env: { ...process.env, FLOWCTL_CONFIG: configPath },
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
    child.on("close", (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const json = JSON.parse(stdout.trim()) as { ok: boolean; changed: boolean; message: string };
      if (code !== 0 || !json.changed) {
        reject(
          new Error(`flowctl bench: ${action} did not change the mode (exit ${code}): ${stdout}${stderr}`),
        );
        return;
      }
      // `times` prints the shell's own times, then its children's: "0m0.012s 0m0.020s".
      const children = stderr
        .trim()
        .split("\n")
        .at(-1)
        ?.match(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/);
      const cpuMs = children
        ? (Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4])) *
          1000
        : Number.NaN;
      const served = /served (\d+)ms after set map/.exec(json.message)?.[1];
      resolve({ wallMs, cpuMs, setMapMs: served === undefined ? null : Number(served) });
    });
  });
}
