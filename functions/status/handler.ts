import { createFunctionHandler } from "../../shared/runtime/function-handler";
import { readStatus } from "../../shared/status/read-status";
import { withFailedEvents } from "../../shared/watchdog/read-failed-events";
import type { StatusRuntime } from "./deps";
import { parseStatusRequest } from "./request";

/**
 * Status: a manual invoke (`autopilot status`, `serverless invoke -f status`) -> validate the narrowing
 * -> read every automation's state through read-only ports -> one JSON document. Wiring only; see
 * shared/status/read-status.ts.
 */
export function createHandler(runtime: () => Promise<StatusRuntime>) {
  return createFunctionHandler({
    automation: "status",
    runtime,
    parse: parseStatusRequest,
    run: (rt, query, context) => {
      const deps = rt.deps(context);
      return withFailedEvents(readStatus(deps, rt.config, query), deps.failedEvents, deps.now(), query);
    },
  });
}

// The runtime (AWS clients, adapters, workflow) is imported on the first invocation: it is a chunk of its
// own in the bundle, so loading the handler compiles only the event parsing and the error handling.
export const handler = createHandler(() => import("./deps").then((deps) => deps.createStatusRuntime()));
