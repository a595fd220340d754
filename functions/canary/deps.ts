import { createCloudWatchClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createCloudWatchAlarmStates } from "../../shared/adapters/aws/cloudwatch-alarm-states";
import { createElbv2ListenerRules } from "../../shared/adapters/aws/elbv2-listener-rules";
import { createElbv2TargetHealth } from "../../shared/adapters/aws/elbv2-target-health";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { CanarySectionConfig } from "../../shared/canary/config";
import type { CanaryDeps } from "../../shared/canary/run-canaries";
import { readOnce } from "../../shared/kernel/obey-overrides";
import {
  type ColdStart,
  coldStart,
  type FunctionRuntime,
  requireSection,
} from "../../shared/runtime/bootstrap";
import { resolveWiring, type Wiring } from "../../shared/runtime/wiring";

export type CanaryRuntime = FunctionRuntime<CanarySectionConfig, CanaryDeps>;

/** Leave this much of the invocation for recording the decision after the AWS work. */
const RECORD_MARGIN_MS = 5_000;

/** Built once per cold start; clients come from the one shared factory. */
export async function createCanaryRuntime(): Promise<CanaryRuntime> {
  return buildCanaryRuntime(await coldStart("canary"));
}

/** The canary's wiring, the only one: Lambda, tests and the bench build it here (see Wiring). */
export function buildCanaryRuntime(base: ColdStart, wiring: Wiring = {}): CanaryRuntime {
  const config = requireSection(base, "canary");
  const { aws, now, deadline: deadlineOf } = resolveWiring(base, wiring, RECORD_MARGIN_MS);
  const elbv2 = createElbv2Client(aws);
  const alarms = createCloudWatchAlarmStates(createCloudWatchClient(aws));
  const health = createElbv2TargetHealth(elbv2);
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  return {
    config,
    base,
    deps: (context) => {
      const deadline = deadlineOf(context);
      return {
        rules: createElbv2ListenerRules(elbv2, { deadline }),
        alarms,
        health,
        state,
        // One listing per invocation, however many canaries it steps.
        overrides: readOnce(overrides),
        notifier: base.notifier,
        logger: base.logger,
        now,
      };
    },
  };
}
