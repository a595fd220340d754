/**
 * The scenario file format (`npm start -- --scenario FILE.yml`), validated with zod; every problem is
 * listed with its path. See sandbox/scenarios/default.yml for a commented example.
 *
 * @example
 *   name: my game day
 *   trace: sale-spike          # a bundled trace (test/fixtures/traces/<name>.csv) or a CSV path
 *   start: "19:40"             # the trace's time of day the clock starts at
 *   clock: { minutesPerSecond: 0 }   # 0 = as fast as the handlers answer
 *   instances: 3               # local HAProxy instances for flow control
 *   scenes:
 *     - scene: balancer-spike
 *       minutes: 90
 *     - { scene: flow-control, after: 5 }
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { parseTimeOfDay } from "./clock";
import { SCENES } from "./scenes";
import type { RegisteredScene, SceneEntryBase } from "./scenes/scene";

const TRACES = path.resolve(__dirname, "../../test/fixtures/traces");

const fileSchema = z.strictObject({
  name: z.string().min(1).max(200),
  trace: z.string().min(1).default("sale-spike"),
  start: z.string().refine((t) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t), "must be a time of day HH:MM"),
  clock: z
    .strictObject({ minutesPerSecond: z.number().min(0).max(10_000).default(0) })
    .default({ minutesPerSecond: 0 }),
  instances: z.number().int().min(1).max(20).default(3),
  scenes: z
    .array(z.looseObject({ scene: z.string() }))
    .min(1)
    .max(50),
});

export interface ScenarioScene {
  scene: RegisteredScene;
  params: SceneEntryBase;
}

export interface Scenario {
  name: string;
  /** Path of the trace CSV. */
  tracePath: string;
  /** Scenario minute of the day the clock starts at. */
  start: number;
  minutesPerSecond: number;
  instances: number;
  scenes: ScenarioScene[];
}

export class InvalidScenarioError extends Error {
  override name = "InvalidScenarioError";
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid scenario ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export function loadScenario(file: string): Scenario {
  if (!existsSync(file)) throw new InvalidScenarioError(file, ["file not found"]);
  return parseScenario(readFileSync(file, "utf8"), file, path.dirname(file));
}

export function parseScenario(text: string, source: string, baseDir: string): Scenario {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new InvalidScenarioError(source, [`not YAML: ${(error as Error).message.split("\n")[0]}`]);
  }
  const file = fileSchema.safeParse(raw);
  // Every problem at once: the scenes are checked even when the file's other keys are wrong.
  const problems = file.success
    ? []
    : file.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`);
  const entries = (raw as { scenes?: unknown } | null)?.scenes;
  const scenes: ScenarioScene[] = [];
  (Array.isArray(entries) ? entries : []).forEach((entry: unknown, index) => {
    const named = (entry as { scene?: unknown } | null)?.scene;
    const scene = SCENES.find((s) => s.name === named);
    if (scene === undefined) {
      problems.push(
        `scenes.${index}.scene: unknown scene ${JSON.stringify(named ?? null)} (known: ${SCENES.map((s) => s.name).join(", ")})`,
      );
      return;
    }
    const { scene: _, ...rest } = entry as Record<string, unknown>;
    const parsed = scene.parse(rest);
    if (parsed.ok) scenes.push({ scene, params: parsed.params });
    else problems.push(...parsed.problems.map((p) => `scenes.${index} (${scene.name}).${p}`));
  });
  if (!file.success) throw new InvalidScenarioError(source, problems);
  const trace = file.data.trace;
  const tracePath = /[/\\]|\.csv$/.test(trace)
    ? path.resolve(baseDir, trace)
    : path.join(TRACES, `${trace}.csv`);
  if (!existsSync(tracePath))
    problems.push(`trace: ${trace} is neither a bundled trace nor a CSV file (${tracePath})`);
  if (problems.length > 0) throw new InvalidScenarioError(source, problems);
  return {
    name: file.data.name,
    tracePath,
    start: parseTimeOfDay(file.data.start),
    minutesPerSecond: file.data.clock.minutesPerSecond,
    instances: file.data.instances,
    scenes,
  };
}
