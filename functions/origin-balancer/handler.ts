import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { BalancerDecision } from "../../shared/domain/balancer/balancer-decision";
import { errorAlert } from "../../shared/runtime/error-alert";
import { createLogger } from "../../shared/runtime/logger";
import { parseScheduleEvent } from "../../shared/runtime/schedule-event";
import { balanceOrigins } from "../../shared/workflows/balance-origins";
import { createOriginBalancerRuntime, type OriginBalancerRuntime } from "./deps";

/**
 * Origin balancer: EventBridge schedule -> read CloudFront load and Route 53 weights -> decide ->
 * UPSERT changed weights -> record. Wiring only; the decision lives in shared/domain/balancer.
 */
export function createHandler(runtime: () => Promise<OriginBalancerRuntime>) {
  let cached: Promise<OriginBalancerRuntime> | undefined;
  const load = () => {
    cached ??= runtime().catch((error) => {
      cached = undefined; // a failed cold start (bad config, no token) is retried on the next event
      throw error;
    });
    return cached;
  };
  let logger = createLogger({ base: { service: "origin-balancer" } });
  return middy<unknown, BalancerDecision[], Error, Context>()
    .use(
      errorAlert({
        automation: "origin-balancer",
        logger: () => logger,
        alert: async (text) => (await load()).base.notifier.post({ text, severity: "critical", blocks: [] }),
      }),
    )
    .handler(async (event, context) => {
      // Validate before touching anything: a malformed event must not reach AWS.
      const trigger = parseScheduleEvent(event);
      const rt = await load();
      logger = rt.base.logger;
      return balanceOrigins(rt.deps(context), rt.config, trigger);
    });
}

export const handler = createHandler(createOriginBalancerRuntime);
