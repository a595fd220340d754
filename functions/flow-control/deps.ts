import { createCloudWatchClient, createEc2Client } from "../../shared/adapters/aws/clients";
import { createCloudWatchAlarmStates } from "../../shared/adapters/aws/cloudwatch-alarm-states";
import { createEc2FleetInventory } from "../../shared/adapters/aws/ec2-fleet-inventory";
import { createSsmFleetCommands } from "../../shared/adapters/aws/ssm-fleet-commands";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { FlowControlConfig } from "../../shared/flow-control/config";
import type { FlowControlDeps } from "../../shared/flow-control/deps";
import { readOnce } from "../../shared/kernel/obey-overrides";
import {
  coldStart,
  type FunctionRuntime,
  invocationDeadline,
  requireSection,
} from "../../shared/runtime/bootstrap";

export type FlowControlRuntime = FunctionRuntime<FlowControlConfig, FlowControlDeps>;

/** Leave this much of the invocation for recording the decision (log, state, Slack) after the polling. */
const RECORD_MARGIN_MS = 8_000;

/** Built once per cold start; clients come from the one shared factory. */
export async function createFlowControlRuntime(): Promise<FlowControlRuntime> {
  const base = await coldStart("flow-control");
  const config = requireSection(base, "flowControl");
  const ec2 = createEc2Client({ region: base.config.region });
  const alarms = createCloudWatchAlarmStates(createCloudWatchClient({ region: base.config.region }));
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  return {
    config,
    base,
    deps: (context) => {
      const deadline = invocationDeadline(context, RECORD_MARGIN_MS);
      return {
        inventory: createEc2FleetInventory(ec2, { deadline }),
        commands: createSsmFleetCommands(base.ssm, {
          ...config.commands,
          documentName: config.documentName,
          deadline,
        }),
        alarms,
        state,
        overrides: readOnce(overrides),
        notifier: base.notifier,
        logger: base.logger,
        now: () => new Date(),
        deadline,
      };
    },
  };
}
