import type { SceneCheck } from "./scenes/scene";

/** How one scene of the game day went, as the run reports it and the HTML report draws it. */
export interface SceneOutcome {
  name: string;
  expectation: string;
  status: "passed" | "failed" | "skipped";
  checks: SceneCheck[];
  startedAt: string;
}
