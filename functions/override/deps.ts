import { createLambdaClient } from "../../shared/adapters/aws/clients/lambda";
import { createLambdaInvoker } from "../../shared/adapters/aws/lambda-invoker";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { createResponseUrlResponder } from "../../shared/adapters/http/slack-response-url";
import type { StageConfig } from "../../shared/config/stage-config";
import type { OverrideDeps } from "../../shared/overrides/apply-override";
import { type ColdStart, coldStart, type FunctionRuntime } from "../../shared/runtime/bootstrap";
import { resolveWiring, type Wiring } from "../../shared/runtime/wiring";
import { responseUrlPolicy } from "../../shared/slack-chatops/slack-interaction";

export type OverrideRuntime = FunctionRuntime<StageConfig, OverrideDeps>;

/** The service name serverless.yml deploys under: functions are `<service>-<stage>-<name>`. */
export const SERVICE = "traffic-autopilot";

/** Built once per cold start. The override function reads the whole stage: it may point at any target. */
export async function createOverrideRuntime(): Promise<OverrideRuntime> {
  return buildOverrideRuntime(await coldStart("override"));
}

/** The override function's wiring, the only one: Lambda, tests and the game day build it here. */
export function buildOverrideRuntime(base: ColdStart, wiring: Wiring = {}): OverrideRuntime {
  const { aws, now } = resolveWiring(base, wiring, 0);
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  const invoker = createLambdaInvoker(createLambdaClient(aws), SERVICE, base.config.stage);
  const slackResponder = createResponseUrlResponder({
    allow: responseUrlPolicy(base.env.slackApiUrl),
    timeoutMs: base.config.slack.timeoutMs,
  });
  return {
    config: base.config,
    base,
    deps: () => ({
      overrides,
      state,
      invoker,
      notifier: base.notifier,
      logger: base.logger,
      now,
      slackResponder,
    }),
  };
}
