import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { CanarySectionConfig } from "../../shared/canary/config";
import type { CanaryDeps } from "../../shared/canary/run-canaries";
import { readOnce } from "../../shared/kernel/obey-overrides";
import type { AlarmStates } from "../../shared/ports/alarm-states";
import type { ListenerRules } from "../../shared/ports/listener-rules";
import type { TargetHealth } from "../../shared/ports/target-health";
import {
  type ColdStart,
  coldStart,
  type FunctionRuntime,
  requireSection,
} from "../../shared/runtime/bootstrap";
import { lazyPort, loadOnce, type PortMethods } from "../../shared/runtime/lazy-port";
import { resolveWiring, type Wiring } from "../../shared/runtime/wiring";

export type CanaryRuntime = FunctionRuntime<CanarySectionConfig, CanaryDeps>;

/** Leave this much of the invocation for recording the decision after the AWS work. */
const RECORD_MARGIN_MS = 5_000;

const ALARM_STATES: PortMethods<AlarmStates> = { read: true };
const TARGET_HEALTH: PortMethods<TargetHealth> = { read: true };
const LISTENER_RULES: PortMethods<ListenerRules> = { read: true, write: true };

/** Built once per cold start; clients come from the one shared factory. */
export async function createCanaryRuntime(): Promise<CanaryRuntime> {
  return buildCanaryRuntime(await coldStart("canary"));
}

/** The canary's wiring, the only one: Lambda, tests and the bench build it here (see Wiring). */
export function buildCanaryRuntime(base: ColdStart, wiring: Wiring = {}): CanaryRuntime {
  const config = requireSection(base, "canary");
  const { aws, now, deadline: deadlineOf } = resolveWiring(base, wiring, RECORD_MARGIN_MS);
  // ELBv2 and CloudWatch (their clients are ~60 KiB of the bundle) load while the first SSM reads are in
  // flight: a run starts with the override listing and the canary's state.
  const awsPorts = loadOnce(() => import("./aws-ports").then((m) => m.createCanaryAwsPorts(aws)));
  const alarms = lazyPort(() => awsPorts().then((p) => p.alarms), ALARM_STATES);
  const health = lazyPort(() => awsPorts().then((p) => p.health), TARGET_HEALTH);
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  return {
    config,
    base,
    deps: (context) => {
      const deadline = deadlineOf(context);
      return {
        rules: lazyPort(() => awsPorts().then((p) => p.rules({ deadline })), LISTENER_RULES),
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
