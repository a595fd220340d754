import type { Context } from "aws-lambda";
import { convergeFleets, handleAlarms } from "../../shared/flow-control/control-fleets";
import { createFunctionHandler } from "../../shared/runtime/function-handler";
import type { FlowControlRuntime } from "./deps";
import { parseFlowControlEvent } from "./event";

/**
 * Flow control: CloudWatch alarm -> SNS -> decide per fleet -> SSM Run Command (our document) on every
 * tagged HAProxy instance -> read each instance's flowctl answer -> record. The EventBridge schedule runs
 * the same function to apply held releases and converge instances that missed a command. One function for
 * both, with reserved concurrency 1: a single writer per fleet. Wiring only; decisions live in
 * shared/flow-control/domain.
 */
export function createHandler(runtime: () => Promise<FlowControlRuntime>) {
  return createFunctionHandler({
    automation: "flow-control",
    runtime,
    parse: parseFlowControlEvent,
    run: (rt, input, context: Context) => {
      const deps = rt.deps(context);
      return input.kind === "alarms"
        ? handleAlarms(deps, rt.config, input.alarms)
        : convergeFleets(deps, rt.config, input.trigger, input.fleets);
    },
  });
}

// The runtime (AWS clients, adapters, workflow) is imported on the first invocation: it is a chunk of its
// own in the bundle, so loading the handler compiles only the event parsing and the error handling.
export const handler = createHandler(() => import("./deps").then((deps) => deps.createFlowControlRuntime()));
