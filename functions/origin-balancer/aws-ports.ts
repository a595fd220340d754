import { createCloudFrontMetricsClient } from "../../shared/adapters/aws/clients/cloudwatch";
import type { ClientOptions } from "../../shared/adapters/aws/clients/options";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createCloudWatchCdnMetrics } from "../../shared/adapters/aws/cloudwatch-cdn-metrics";
import {
  createRoute53WeightedRecords,
  type Route53Options,
} from "../../shared/adapters/aws/route53-weighted-records";

/**
 * The balancer's CloudWatch and Route 53 side, its clients built once per cold start. deps.ts imports it
 * on the first call to one of these ports, so it is a chunk of its own (see lazyPort).
 */
export function createOriginBalancerAwsPorts(aws: ClientOptions) {
  const metrics = createCloudWatchCdnMetrics(createCloudFrontMetricsClient(aws));
  const route53 = createRoute53Client(aws);
  return {
    metrics,
    records: (options: Route53Options) => createRoute53WeightedRecords(route53, options),
  };
}
