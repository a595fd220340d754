import type { z } from "zod";
import type { StageConfig } from "../../../shared/config/stage-config";
import type { World } from "../world-types";

/** One expectation checked against real state (moto, HAProxy answers, the Slack sink). */
export interface SceneCheck {
  name: string;
  ok: boolean;
  /** What was actually seen: printed under a failed check, shown in the report for every one. */
  detail: string;
}

/** Every scene entry of a scenario file may wait this many quiet minutes before it starts. */
export interface SceneEntryBase {
  after: number;
}

/** A game-day scene, typed by its parameters. */
export interface Scene<P extends SceneEntryBase> {
  name: string;
  /** Closed zod object for the scene's entry in a scenario file (`scene:` excluded). */
  params: z.ZodType<P>;
  /** One sentence: what should happen, printed before the scene plays. */
  expectation(params: P): string;
  /** Scenario minutes the scene spans after its `after` gap (the clock and the metrics window need it). */
  minutes(params: P, config: StageConfig): number;
  /** Scenes that drive HAProxy instances are left out, loudly, when haproxy is not installed. */
  needsHaproxy?: boolean;
  run(world: World, params: P): Promise<SceneCheck[]>;
}

/** A scene with its parameter type erased, so scenes of every kind fit in one list. */
export interface RegisteredScene {
  name: string;
  needsHaproxy: boolean;
  parse(raw: unknown): { ok: true; params: SceneEntryBase } | { ok: false; problems: string[] };
  expectation(params: SceneEntryBase): string;
  minutes(params: SceneEntryBase, config: StageConfig): number;
  run(world: World, params: SceneEntryBase): Promise<SceneCheck[]>;
}

export function defineScene<P extends SceneEntryBase>(scene: Scene<P>): RegisteredScene {
  return {
    name: scene.name,
    needsHaproxy: scene.needsHaproxy ?? false,
    parse(raw) {
      const result = scene.params.safeParse(raw);
      if (result.success) return { ok: true, params: result.data };
      return {
        ok: false,
        problems: result.error.issues.map((i) => `${i.path.join(".") || "(entry)"}: ${i.message}`),
      };
    },
    // The parameters were produced by parse() above, so they have this scene's type.
    expectation: (params) => scene.expectation(params as P),
    minutes: (params, config) => scene.minutes(params as P, config),
    run: (world, params) => scene.run(world, params as P),
  };
}

/** A check from a condition and what was seen. */
export function check(name: string, ok: boolean, detail: string): SceneCheck {
  return { name, ok, detail };
}
