import type { Context } from "aws-lambda";
import { createFunctionHandler } from "../../shared/runtime/function-handler";
import { parseScheduleEvent } from "../../shared/runtime/schedule-event";
import { balanceOrigins } from "../../shared/workflows/balance-origins";
import { createOriginBalancerRuntime, type OriginBalancerRuntime } from "./deps";

/**
 * Origin balancer: EventBridge schedule -> read CloudFront load and Route 53 weights -> decide ->
 * UPSERT changed weights -> record. Wiring only; the decision lives in shared/domain/balancer.
 */
export function createHandler(runtime: () => Promise<OriginBalancerRuntime>) {
  return createFunctionHandler({
    automation: "origin-balancer",
    runtime,
    parse: parseScheduleEvent,
    run: (rt, trigger, context: Context) => balanceOrigins(rt.deps(context), rt.config, trigger),
  });
}

export const handler = createHandler(createOriginBalancerRuntime);
