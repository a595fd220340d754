import { createCloudFrontMetricsClient, createRoute53Client } from "../../shared/adapters/aws/clients";
import { createCloudWatchCdnMetrics } from "../../shared/adapters/aws/cloudwatch-cdn-metrics";
import { createRoute53WeightedRecords } from "../../shared/adapters/aws/route53-weighted-records";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { BalancerDeps } from "../../shared/origin-balancer/balance-origins";
import type { OriginBalancerConfig } from "../../shared/origin-balancer/config";
import {
  coldStart,
  type FunctionRuntime,
  invocationDeadline,
  requireSection,
} from "../../shared/runtime/bootstrap";

export type OriginBalancerRuntime = FunctionRuntime<OriginBalancerConfig, BalancerDeps>;

/** Leave this much of the invocation for recording the decision after the AWS work. */
const RECORD_MARGIN_MS = 5_000;

/** Built once per cold start; clients come from the one shared factory. */
export async function createOriginBalancerRuntime(): Promise<OriginBalancerRuntime> {
  const base = await coldStart("origin-balancer");
  const config = requireSection(base, "originBalancer");
  const metrics = createCloudWatchCdnMetrics(createCloudFrontMetricsClient({ region: base.config.region }));
  const route53 = createRoute53Client({ region: base.config.region });
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  return {
    config,
    base,
    deps: (context) => {
      const deadline = invocationDeadline(context, RECORD_MARGIN_MS);
      return {
        metrics,
        records: createRoute53WeightedRecords(route53, { deadline }),
        state,
        overrides,
        notifier: base.notifier,
        logger: base.logger,
        now: () => new Date(),
        deadline,
      };
    },
  };
}
