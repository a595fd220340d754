/**
 * Plays a scenario: brings the sandbox up, plays each scene on the accelerated clock, checks each
 * scene's expectation against real state, writes the HTML report, and stops everything it started
 * (unless asked to keep the sandbox up).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseStageConfig, type StageConfig } from "../../shared/config/stage-config";
import { parseTrace } from "../../tools/backtest/trace";
import { findHaproxy, HAPROXY_MISSING_MESSAGE } from "../servers/haproxy-instance";
import { MOTO_INSTALL_HINT, motoAvailable } from "../servers/moto-server";
import { alive, descendants } from "../servers/process-tree";
import { createScenarioClock } from "./clock";
import { renderReport } from "./report/render-report";
import type { Scenario } from "./scenario";
import type { SceneOutcome } from "./scene-outcome";
import type { SceneCheck } from "./scenes/scene";
import { type RunningWorld, repoRoot, startWorld } from "./world";

export interface GamedayOptions {
  scenario: Scenario;
  reportPath: string;
  /** Overrides the scenario's instance count. */
  instances?: number;
  /** Where the rewritten stage file lives; kept after the run with --keep. */
  workdir?: string;
  print?: (line: string) => void;
  /** Called once the world is up, so Ctrl-C can stop it from anywhere. */
  onWorld?: (world: RunningWorld) => void;
  /** Leave the world running and hand it to the caller (who must stop it). */
  keep?: boolean;
}

export interface ProcessCount {
  started: number;
  /** Processes the sandbox started that were still alive after it stopped. */
  left: { pid: number; command: string }[];
}

export interface GamedayResult {
  /** Every scene held (none failed, at least one passed) and no process was left behind. */
  passed: boolean;
  /** Measured after stop (absent with --keep, and where /proc is missing). */
  processes?: ProcessCount;
  scenes: SceneOutcome[];
  reportPath: string;
  elapsedMs: number;
  world?: RunningWorld;
}

export class MissingDependencyError extends Error {
  override name = "MissingDependencyError";
}

/** The balancer evaluates a window this far back; metrics are seeded for it before the first minute. */
const METRICS_LEAD_MINUTES = 30;

export async function runGameday(options: GamedayOptions): Promise<GamedayResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const startedAt = Date.now();
  const { scenario } = options;
  if (!motoAvailable()) {
    throw new MissingDependencyError(`moto is not installed. Install it with: ${MOTO_INSTALL_HINT}`);
  }
  const haproxy = findHaproxy() !== undefined;
  if (!haproxy && process.env.CI === "true" && scenario.scenes.some((s) => s.scene.needsHaproxy)) {
    // In CI a skipped scene would be a green run that tested nothing: refuse instead.
    throw new MissingDependencyError(`CI=true and ${HAPROXY_MISSING_MESSAGE}`);
  }
  if (!haproxy) {
    print(`!!! ${HAPROXY_MISSING_MESSAGE}`);
    print("!!! the scenes that need HAProxy (flow-control) are SKIPPED; the others play.\n");
  }
  const trace = parseTrace(readFileSync(scenario.tracePath, "utf8"), path.basename(scenario.tracePath));
  // Scene lengths may depend on the stage (bake times, minimum engaged time): read it before bring-up.
  const stageFile = path.join(repoRoot, "config/sandbox.yml");
  const stage = parseStageConfig(readFileSync(stageFile, "utf8"), stageFile);
  const clockPlan = planClock(scenario, stage);
  if (clockPlan.last >= trace.length) {
    throw new Error(
      `the scenario needs ${clockPlan.last - scenario.start + 1} minutes from ${scenario.start} but ${scenario.tracePath} has ${trace.length} minutes`,
    );
  }
  const clock = createScenarioClock({
    firstMinute: scenario.start,
    lastMinute: clockPlan.last,
    minutesPerSecond: scenario.minutesPerSecond,
  });
  // Processes that were already there (a test runner's own children) are not the sandbox's.
  const before = new Set((descendants() ?? []).map((p) => p.pid));
  const world = await startWorld({
    clock,
    trace,
    metricsFrom: scenario.start - METRICS_LEAD_MINUTES,
    metricsTo: clockPlan.last,
    // HAProxy instances only when a scene drives them (and haproxy is there to run them).
    instances:
      haproxy && scenario.scenes.some((s) => s.scene.needsHaproxy)
        ? (options.instances ?? scenario.instances)
        : 0,
    print,
    ...(options.workdir ? { workdir: options.workdir } : {}),
  });
  options.onWorld?.(world);
  const outcomes: SceneOutcome[] = [];
  let result: GamedayResult;
  let processes: ProcessCount | undefined;
  try {
    print(
      `sandbox up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: moto ${world.moto.url}, Slack sink ${world.slack.apiUrl}`,
    );
    print(
      `  ${world.fleet ? `${world.fleet.members.length} HAProxy instances` : "no HAProxy instances"}, stage file ${world.configFile}\n`,
    );
    for (const [index, { scene, params }] of scenario.scenes.entries()) {
      await clock.advance(params.after);
      const expectation = scene.expectation(params);
      const label = `scene ${index + 1}/${scenario.scenes.length} at ${clock.label()}: ${scene.name}`;
      if (scene.needsHaproxy && world.fleet === undefined) {
        print(`${label} SKIPPED (haproxy is not installed)\n`);
        outcomes.push({
          name: scene.name,
          expectation,
          status: "skipped",
          checks: [],
          startedAt: clock.label(),
        });
        continue;
      }
      print(`${label}\n  expect: ${expectation}`);
      const sceneStart = clock.label();
      const sceneStartMinute = clock.minute;
      let checks: SceneCheck[];
      try {
        checks = await scene.run(world, params);
      } catch (error) {
        checks = [{ name: "the scene played to the end", ok: false, detail: errorText(error) }];
      }
      // A scene never leaves the clock short of its declared length: later scenes keep their times.
      const end = sceneStartMinute + scene.minutes(params, world.config);
      if (clock.minute < end) await clock.advance(end - clock.minute);
      for (const c of checks)
        print(`  ${c.ok ? "PASS" : "FAIL"}  ${c.name}${c.ok ? "" : `\n        seen: ${c.detail}`}`);
      print("");
      const passed = checks.length > 0 && checks.every((c) => c.ok);
      outcomes.push({
        name: scene.name,
        expectation,
        status: passed ? "passed" : "failed",
        checks,
        startedAt: sceneStart,
      });
    }
    const passed =
      outcomes.every((o) => o.status !== "failed") && outcomes.some((o) => o.status === "passed");
    const elapsedMs = Date.now() - startedAt;
    mkdirSync(path.dirname(options.reportPath), { recursive: true });
    writeFileSync(
      options.reportPath,
      renderReport({
        scenario: scenario.name,
        outcomes,
        recorder: world.recorder,
        elapsedMs,
        passed,
        generatedAt: new Date(),
      }),
    );
    const summary = outcomes.map((o) => `${o.name} ${o.status}`).join(", ");
    print(`${passed ? "ALL SCENES HOLD" : "SOME SCENES FAILED"}: ${summary}`);
    print(
      `${world.recorder.entries.length} decisions, ${world.slack.calls.length} Slack calls, ${(elapsedMs / 1000).toFixed(1)} s`,
    );
    print(`report: ${options.reportPath}`);
    result = {
      passed,
      scenes: outcomes,
      reportPath: options.reportPath,
      elapsedMs,
      ...(options.keep ? { world } : {}),
    };
  } finally {
    if (!options.keep) processes = await stopAndCount(world, before);
  }
  if (processes === undefined) return result;
  print(
    processes.left.length === 0
      ? `stopped ${processes.started} processes it started; none left`
      : `LEFT BEHIND: ${processes.left.map((p) => `${p.pid} ${p.command}`).join(", ")}`,
  );
  return { ...result, passed: result.passed && processes.left.length === 0, processes };
}

/** Stops the world, then checks that every process it had started is gone. */
async function stopAndCount(world: RunningWorld, before: Set<number>): Promise<ProcessCount | undefined> {
  const started = (descendants() ?? []).filter((p) => !before.has(p.pid));
  await world.stop();
  if (descendants() === undefined) return undefined;
  return { started: started.length, left: started.filter((p) => alive(p.pid)) };
}

/** The last scenario minute: the start plus every scene's gap and length. */
function planClock(scenario: Scenario, stage: StageConfig): { last: number } {
  let minute = scenario.start;
  for (const { scene, params } of scenario.scenes) minute += params.after + scene.minutes(params, stage);
  return { last: minute };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
  return `${error.name}: ${error.message}${cause}`;
}
