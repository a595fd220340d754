import type { Context } from "aws-lambda";
import { createCloudFrontMetricsClient, createRoute53Client } from "../../shared/adapters/aws/clients";
import { createCloudWatchCdnMetrics } from "../../shared/adapters/aws/cloudwatch-cdn-metrics";
import { createRoute53WeightedRecords } from "../../shared/adapters/aws/route53-weighted-records";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { type ColdStart, coldStart } from "../../shared/bootstrap";
import type { OriginBalancerConfig } from "../../shared/config/balancer-config";
import { InvalidConfigError } from "../../shared/errors";
import type { BalancerDeps } from "../../shared/workflows/balance-origins";

export interface OriginBalancerRuntime {
  config: OriginBalancerConfig;
  deps: (context: Pick<Context, "getRemainingTimeInMillis">) => BalancerDeps;
  base: ColdStart;
}

/** Leave this much of the invocation for recording the decision after the AWS work. */
const RECORD_MARGIN_MS = 5_000;

/** Built once per cold start; clients come from the one shared factory. */
export async function createOriginBalancerRuntime(): Promise<OriginBalancerRuntime> {
  const base = await coldStart("origin-balancer");
  const config = base.config.originBalancer;
  if (config === undefined) {
    throw new InvalidConfigError(base.env.configFile, [
      "originBalancer: section missing but the function is deployed",
    ]);
  }
  const metrics = createCloudWatchCdnMetrics(createCloudFrontMetricsClient({ region: base.config.region }));
  const route53 = createRoute53Client({ region: base.config.region });
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  return {
    config,
    base,
    deps: (context) => {
      const deadline = () => new Date(Date.now() + context.getRemainingTimeInMillis() - RECORD_MARGIN_MS);
      return {
        metrics,
        records: createRoute53WeightedRecords(route53, { deadline }),
        state,
        notifier: base.notifier,
        logger: base.logger,
        now: () => new Date(),
        deadline,
      };
    },
  };
}
