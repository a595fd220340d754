import { createCloudWatchClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import type { ClientOptions } from "../../shared/adapters/aws/clients/options";
import { createCloudWatchAlarmStates } from "../../shared/adapters/aws/cloudwatch-alarm-states";
import {
  createElbv2ListenerRules,
  type ListenerRulesOptions,
} from "../../shared/adapters/aws/elbv2-listener-rules";
import { createElbv2TargetHealth } from "../../shared/adapters/aws/elbv2-target-health";

/**
 * The canary's ELBv2 and CloudWatch side, its clients built once per cold start. deps.ts imports it on
 * the first call to one of these ports, so it is a chunk of its own (see lazyPort).
 */
export function createCanaryAwsPorts(aws: ClientOptions) {
  const elbv2 = createElbv2Client(aws);
  return {
    alarms: createCloudWatchAlarmStates(createCloudWatchClient(aws)),
    health: createElbv2TargetHealth(elbv2),
    rules: (options: ListenerRulesOptions) => createElbv2ListenerRules(elbv2, options),
  };
}
