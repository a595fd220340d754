import type { Context } from "aws-lambda";
import type { CanaryDecision } from "../../shared/canary/domain/canary-decision";
import {
  type CommandResponse,
  commandCanary,
  runCanaries,
  runForAlarms,
} from "../../shared/canary/run-canaries";
import { createFunctionHandler } from "../../shared/runtime/function-handler";
import type { CanaryRuntime } from "./deps";
import { parseCanaryEvent } from "./events";

/**
 * Canary: EventBridge schedule (advance), gate-alarm SNS notifications (evaluate now), or a command from
 * the override function -> read rule, gates and canary health -> decide -> one ModifyRule -> read back ->
 * record. Wiring only; the decision lives in shared/canary/domain.
 */
export function createHandler(runtime: () => Promise<CanaryRuntime>) {
  return createFunctionHandler({
    automation: "canary",
    runtime,
    parse: parseCanaryEvent,
    run: (rt, parsed, context: Context): Promise<CanaryDecision[] | CommandResponse> => {
      const deps = rt.deps(context);
      switch (parsed.kind) {
        case "schedule":
          return runCanaries(deps, rt.config, rt.config.canaries, parsed.trigger);
        case "alarm":
          return runForAlarms(deps, rt.config, parsed.notifications);
        case "command":
          return commandCanary(deps, rt.config, parsed.command);
      }
    },
  });
}

// The runtime (AWS clients, adapters, workflow) is imported on the first invocation: it is a chunk of its
// own in the bundle, so loading the handler compiles only the event parsing and the error handling.
export const handler = createHandler(() => import("./deps").then((deps) => deps.createCanaryRuntime()));
