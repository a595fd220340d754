import { createCloudWatchClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createEc2Client } from "../../shared/adapters/aws/clients/ec2";
import { createCloudWatchAlarmStates } from "../../shared/adapters/aws/cloudwatch-alarm-states";
import { createEc2FleetInventory } from "../../shared/adapters/aws/ec2-fleet-inventory";
import { createSsmFleetCommands } from "../../shared/adapters/aws/ssm-fleet-commands";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { FlowControlConfig } from "../../shared/flow-control/config";
import type { FlowControlDeps } from "../../shared/flow-control/deps";
import { readOnce } from "../../shared/kernel/obey-overrides";
import {
  type ColdStart,
  coldStart,
  type FunctionRuntime,
  requireSection,
} from "../../shared/runtime/bootstrap";
import { resolveWiring, type Wiring } from "../../shared/runtime/wiring";

export type FlowControlRuntime = FunctionRuntime<FlowControlConfig, FlowControlDeps>;

/** Leave this much of the invocation for recording the decision (log, state, Slack) after the polling. */
const RECORD_MARGIN_MS = 8_000;

/** Built once per cold start; clients come from the one shared factory. */
export async function createFlowControlRuntime(): Promise<FlowControlRuntime> {
  return buildFlowControlRuntime(await coldStart("flow-control"));
}

/** Flow control's wiring, the only one: Lambda, tests and the bench build it here (see Wiring). */
export function buildFlowControlRuntime(base: ColdStart, wiring: Wiring = {}): FlowControlRuntime {
  const config = requireSection(base, "flowControl");
  const { aws, ec2: ec2Options, now, deadline: deadlineOf } = resolveWiring(base, wiring, RECORD_MARGIN_MS);
  const ec2 = createEc2Client(ec2Options);
  const alarms = createCloudWatchAlarmStates(createCloudWatchClient(aws));
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  return {
    config,
    base,
    deps: (context) => {
      const deadline = deadlineOf(context);
      return {
        inventory: createEc2FleetInventory(ec2, { deadline }),
        // Run Command goes through the cold start's SSM client, like the state.
        commands: createSsmFleetCommands(base.ssm, {
          ...config.commands,
          documentName: config.documentName,
          deadline,
        }),
        alarms,
        state,
        // One listing per invocation, however many fleets it reaches.
        overrides: readOnce(overrides),
        notifier: base.notifier,
        logger: base.logger,
        now,
        deadline,
      };
    },
  };
}
