import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { BalancerDeps } from "../../shared/origin-balancer/balance-origins";
import type { OriginBalancerConfig } from "../../shared/origin-balancer/config";
import type { CdnMetrics } from "../../shared/ports/cdn-metrics";
import type { WeightedRecords } from "../../shared/ports/weighted-records";
import {
  type ColdStart,
  coldStart,
  type FunctionRuntime,
  requireSection,
} from "../../shared/runtime/bootstrap";
import { lazyPort, loadOnce, type PortMethods } from "../../shared/runtime/lazy-port";
import { resolveWiring, type Wiring } from "../../shared/runtime/wiring";

export type OriginBalancerRuntime = FunctionRuntime<OriginBalancerConfig, BalancerDeps>;

/** Leave this much of the invocation for recording the decision after the AWS work. */
const RECORD_MARGIN_MS = 5_000;

const CDN_METRICS: PortMethods<CdnMetrics> = { fetchSeries: true, fetchPools: true };
const WEIGHTED_RECORDS: PortMethods<WeightedRecords> = {
  read: true,
  readZone: true,
  apply: true,
  waitInSync: true,
};

/** Built once per cold start; clients come from the one shared factory. */
export async function createOriginBalancerRuntime(): Promise<OriginBalancerRuntime> {
  return buildOriginBalancerRuntime(await coldStart("origin-balancer"));
}

/** The balancer's wiring, the only one: Lambda, tests and the bench build it here (see Wiring). */
export function buildOriginBalancerRuntime(base: ColdStart, wiring: Wiring = {}): OriginBalancerRuntime {
  const config = requireSection(base, "originBalancer");
  const { aws, now, deadline: deadlineOf, poll } = resolveWiring(base, wiring, RECORD_MARGIN_MS);
  // CloudWatch and Route 53 (their clients are ~85 KiB of the bundle) load while the first SSM reads are
  // in flight: a run starts with the override listing.
  const awsPorts = loadOnce(() => import("./aws-ports").then((m) => m.createOriginBalancerAwsPorts(aws)));
  const metrics = lazyPort(() => awsPorts().then((p) => p.metrics), CDN_METRICS);
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
        records: lazyPort(() => awsPorts().then((p) => p.records({ deadline, ...poll })), WEIGHTED_RECORDS),
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
