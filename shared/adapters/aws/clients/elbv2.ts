import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { type ClientOptions, commonClientConfig } from "./options";

export function createElbv2Client(options: ClientOptions): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({ ...commonClientConfig(options), region: options.region });
}
