import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { Context } from "aws-lambda";
import { compileStageConfig } from "../../shared/config/compile-stage-config";
import { parseStageConfig } from "../../shared/config/stage-config";
import type { AutomationInvoker } from "../../shared/ports/automation-invoker";
import type { SandboxSession } from "./session";
import { FunctionFailedError, type FunctionInvoker, type ScheduledAutomation, UsageError } from "./types";

/** As long as the longest deployed function (override waits for a delegated rotation). */
const LOCAL_TIME_BUDGET_MS = 900_000;

/**
 * Runs the real handlers in this process against a running local sandbox (moto + Slack sink): the same
 * code as in Lambda, with the standard AWS settings pointed at moto and fake credentials, so nothing can
 * reach a real account. The override function's canary and rotation hand-offs run in-process too.
 */
export function createLocalInvoker(session: SandboxSession, caller: string): FunctionInvoker {
  let stage: string;
  try {
    stage = parseStageConfig(readFileSync(session.configFile, "utf8"), session.configFile).stage;
  } catch (error) {
    throw new UsageError(`the sandbox's stage file cannot be used: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // The CLI reports the outcome itself; the functions' own log lines are shown when LOG_LEVEL asks.
  const showLogs = process.env.LOG_LEVEL !== undefined;
  pointAtSandbox(session, stage);
  const context = (fn: string): Context => {
    const deadline = Date.now() + LOCAL_TIME_BUDGET_MS;
    return {
      functionName: `traffic-autopilot-${stage}-${fn}`,
      awsRequestId: `local-${randomUUID()}`,
      clientContext: { custom: { invoker: caller } },
      getRemainingTimeInMillis: () => deadline - Date.now(),
    } as unknown as Context;
  };
  // Each function's code is loaded when first invoked (require: the CLI runs as CommonJS), so a status
  // call does not pay for loading the override, canary and rotation code.
  const lazy = <T>(load: () => T) => {
    let value: T | undefined;
    return () => {
      value ??= load();
      return value;
    };
  };
  // One entry per automation the override function hands work to; the type makes a missing one a
  // compile error (flow control's converge once went to certificate rotation here).
  const delegates: Record<Parameters<AutomationInvoker["invoke"]>[0], () => LocalHandler> = {
    canary: lazy(() => {
      const { createHandler } =
        require("../../functions/canary/handler") as typeof import("../../functions/canary/handler");
      const { createCanaryRuntime } =
        require("../../functions/canary/deps") as typeof import("../../functions/canary/deps");
      return createHandler(createCanaryRuntime);
    }),
    "cert-rotation": lazy(() => {
      const { createHandler } =
        require("../../functions/cert-rotation/handler") as typeof import("../../functions/cert-rotation/handler");
      const { createCertRotationRuntime } =
        require("../../functions/cert-rotation/deps") as typeof import("../../functions/cert-rotation/deps");
      return createHandler(createCertRotationRuntime);
    }),
    "flow-control": lazy(() => {
      const { createHandler } =
        require("../../functions/flow-control/handler") as typeof import("../../functions/flow-control/handler");
      const { createFlowControlRuntime } =
        require("../../functions/flow-control/deps") as typeof import("../../functions/flow-control/deps");
      return createHandler(createFlowControlRuntime);
    }),
  };
  const originBalancer = lazy(() => {
    const { createHandler } =
      require("../../functions/origin-balancer/handler") as typeof import("../../functions/origin-balancer/handler");
    const { createOriginBalancerRuntime } =
      require("../../functions/origin-balancer/deps") as typeof import("../../functions/origin-balancer/deps");
    return createHandler(createOriginBalancerRuntime);
  });
  const scheduled: Record<ScheduledAutomation, () => LocalHandler> = {
    ...delegates,
    "origin-balancer": originBalancer,
  };
  const automations: AutomationInvoker = {
    invoke: (automation, payload) => delegates[automation]()(payload, context(automation)),
  };
  const handlers = {
    status: lazy(() => {
      const { createHandler } =
        require("../../functions/status/handler") as typeof import("../../functions/status/handler");
      const { createStatusRuntime } =
        require("../../functions/status/deps") as typeof import("../../functions/status/deps");
      return createHandler(createStatusRuntime);
    }),
    override: lazy(() => {
      const { createHandler } =
        require("../../functions/override/handler") as typeof import("../../functions/override/handler");
      const { createOverrideRuntime } =
        require("../../functions/override/deps") as typeof import("../../functions/override/deps");
      return createHandler(async () => {
        const runtime = await createOverrideRuntime();
        return { ...runtime, deps: (c) => ({ ...runtime.deps(c), invoker: automations }) };
      });
    }),
  };
  return {
    target: `local sandbox (moto ${session.motoUrl}, stage ${stage})`,
    async runScheduled(automation) {
      const event = scheduledEvent(new Date(), stage, automation, session.region);
      try {
        return await withHandlerLogs<unknown>(showLogs, () =>
          scheduled[automation]()(event, context(automation)),
        );
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        throw new FunctionFailedError(automation, err.name, err.message);
      }
    },
    async invoke(fn, payload) {
      try {
        return await withHandlerLogs<unknown>(showLogs, () => handlers[fn]()(payload, context(fn)));
      } catch (error) {
        // The same shape a Lambda invoke reports, so the CLI maps both the same way.
        const err = error instanceof Error ? error : new Error(String(error));
        throw new FunctionFailedError(fn, err.name, err.message);
      }
    },
  };
}

/**
 * The handlers read the compiled stage config, as in Lambda: compile the session's stage file (validated
 * with the full schema, every problem listed) next to it, unless the session already names a compiled one.
 */
function compiledConfigOf(configFile: string): string {
  if (configFile.endsWith(".json")) return configFile;
  const compiled = configFile.replace(/(\.ya?ml)?$/, ".compiled.json");
  writeFileSync(compiled, compileStageConfig(readFileSync(configFile, "utf8"), configFile));
  return compiled;
}

/** An EventBridge scheduled event for the stage's rule of `automation`, as EventBridge delivers it. */
function scheduledEvent(at: Date, stage: string, automation: string, region: string): unknown {
  return {
    version: "0",
    id: `local-${randomUUID()}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: at.toISOString().replace(/\.\d+Z$/, "Z"),
    region,
    resources: [`arn:aws:events:${region}:123456789012:rule/traffic-autopilot-${stage}-${automation}`],
    detail: {},
  };
}

/** A function's handler as the CLI calls it in-process. */
type LocalHandler = (event: unknown, context: Context) => Promise<unknown>;

/** The standard AWS and function settings, explicit: never a developer's profile, keys or CA bundle. */
export function pointAtSandbox(session: SandboxSession, stage: string): void {
  for (const name of [
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_CA_BUNDLE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL_SSM",
  ]) {
    delete process.env[name];
  }
  // Flow control's SendCommand must reach the HAProxy instances: the stand-in runs our document on them
  // and forwards every other SSM call (parameters) to moto.
  if (session.runCommandUrl) process.env.AWS_ENDPOINT_URL_SSM = session.runCommandUrl;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: session.motoUrl,
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    AWS_REGION: session.region,
    STAGE: stage,
    CONFIG_FILE: compiledConfigOf(session.configFile),
    SLACK_API_URL: session.slackApiUrl,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  });
}

/**
 * The functions log JSON lines to stdout (CloudWatch in Lambda). In the CLI stdout is the answer (a
 * table, or JSON for scripts), so while a handler runs its log lines go to stderr, or nowhere.
 */
async function withHandlerLogs<T>(show: boolean, run: () => Promise<T>): Promise<T> {
  const original = process.stdout.write;
  process.stdout.write = (
    show ? process.stderr.write.bind(process.stderr) : () => true
  ) as typeof process.stdout.write;
  try {
    return await run();
  } finally {
    process.stdout.write = original;
  }
}
