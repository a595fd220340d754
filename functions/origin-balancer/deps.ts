import { createCloudFrontMetricsClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createCloudWatchCdnMetrics } from "../../shared/adapters/aws/cloudwatch-cdn-metrics";
import { createRoute53WeightedRecords } from "../../shared/adapters/aws/route53-weighted-records";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { BalancerDeps } from "../../shared/origin-balancer/balance-origins";
import type { OriginBalancerConfig } from "../../shared/origin-balancer/config";
import {
  type ColdStart,
  coldStart,
  type FunctionRuntime,
  requireSection,
} from "../../shared/runtime/bootstrap";
import { resolveWiring, type Wiring } from "../../shared/runtime/wiring";

export type OriginBalancerRuntime = FunctionRuntime<OriginBalancerConfig, BalancerDeps>;

/** Leave this much of the invocation for recording the decision after the AWS work. */
const RECORD_MARGIN_MS = 5_000;

/** Built once per cold start; clients come from the one shared factory. */
export async function createOriginBalancerRuntime(): Promise<OriginBalancerRuntime> {
  return buildOriginBalancerRuntime(await coldStart("origin-balancer"));
}

/** The balancer's wiring, the only one: Lambda, tests and the bench build it here (see Wiring). */
export function buildOriginBalancerRuntime(base: ColdStart, wiring: Wiring = {}): OriginBalancerRuntime {
  const config = requireSection(base, "originBalancer");
  const { aws, now, deadline: deadlineOf, poll } = resolveWiring(base, wiring, RECORD_MARGIN_MS);
  const metrics = createCloudWatchCdnMetrics(createCloudFrontMetricsClient(aws));
  const route53 = createRoute53Client(aws);
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  // The balancer lists the overrides once per run itself (one listing for every pool).
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  return {
    config,
    base,
    deps: (context) => {
      const deadline = deadlineOf(context);
      return {
        metrics,
        records: createRoute53WeightedRecords(route53, { deadline, ...poll }),
        state,
        overrides,
        notifier: base.notifier,
        logger: base.logger,
        now,
        deadline,
      };
    },
  };
}
