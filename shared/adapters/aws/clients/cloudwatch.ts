import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { type ClientOptions, commonClientConfig } from "./options";

/** CloudFront publishes its metrics in us-east-1 whatever region the stack runs in. */
export function createCloudFrontMetricsClient(options: ClientOptions): CloudWatchClient {
  return new CloudWatchClient({ ...commonClientConfig(options), region: "us-east-1" });
}

/** Alarms live in the stack's region (unlike CloudFront's metrics, which are in us-east-1). */
export function createCloudWatchClient(options: ClientOptions): CloudWatchClient {
  return new CloudWatchClient({ ...commonClientConfig(options), region: options.region });
}
