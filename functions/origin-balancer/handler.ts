import type { Context } from "aws-lambda";
import { balanceOrigins } from "../../shared/origin-balancer/balance-origins";
import { createFunctionHandler } from "../../shared/runtime/function-handler";
import { parseScheduleEvent } from "../../shared/runtime/schedule-event";
import type { OriginBalancerRuntime } from "./deps";

/**
 * Origin balancer: EventBridge schedule -> read CloudFront load and Route 53 weights -> decide ->
 * UPSERT changed weights -> record. Wiring only; the decision lives in shared/origin-balancer/domain.
 */
export function createHandler(runtime: () => Promise<OriginBalancerRuntime>) {
  return createFunctionHandler({
    automation: "origin-balancer",
    runtime,
    parse: parseScheduleEvent,
    run: (rt, trigger, context: Context) => balanceOrigins(rt.deps(context), rt.config, trigger),
  });
}

// The runtime (AWS clients, adapters, workflow) is imported on the first invocation: it is a chunk of its
// own in the bundle, so loading the handler compiles only the event parsing and the error handling.
export const handler = createHandler(() =>
  import("./deps").then((deps) => deps.createOriginBalancerRuntime()),
);
