import type { Context } from "aws-lambda";
import type { CanaryDecision } from "../../shared/canary/domain/canary-decision";
import {
  type CommandResponse,
  commandCanary,
  runCanaries,
  runForAlarms,
} from "../../shared/canary/run-canaries";
import { createFunctionHandler } from "../../shared/runtime/function-handler";
import { type CanaryRuntime, createCanaryRuntime } from "./deps";
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

export const handler = createHandler(createCanaryRuntime);
