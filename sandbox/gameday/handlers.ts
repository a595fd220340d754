/**
 * The real Lambda handlers, each built by its own cold start (config file, SSM token, Slack client, SDK
 * clients from the standard endpoint settings), with one change: `now` is the scenario clock.
 */
import type { Context } from "aws-lambda";
import { createCanaryRuntime } from "../../functions/canary/deps";
import { createHandler as canaryHandler } from "../../functions/canary/handler";
import { createCertRotationRuntime } from "../../functions/cert-rotation/deps";
import { createHandler as certRotationHandler } from "../../functions/cert-rotation/handler";
import { createFlowControlRuntime } from "../../functions/flow-control/deps";
import { createHandler as flowControlHandler } from "../../functions/flow-control/handler";
import { createOriginBalancerRuntime } from "../../functions/origin-balancer/deps";
import { createHandler as originBalancerHandler } from "../../functions/origin-balancer/handler";
import { createOverrideRuntime } from "../../functions/override/deps";
import { createHandler as overrideHandler } from "../../functions/override/handler";
import { createSlackChatopsRuntime } from "../../functions/slack-chatops/deps";
import { createHandler as slackChatopsHandler } from "../../functions/slack-chatops/handler";
import type { OverrideDispatcher } from "../../shared/ports/slack-chatops";
import type { FunctionRuntime } from "../../shared/runtime/bootstrap";
import type { Handlers, Invoke } from "./world-types";

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** A runtime whose ports tell the scenario's time instead of the wall clock's. */
function onClock<C, D extends { now: () => Date }>(
  create: () => Promise<FunctionRuntime<C, D>>,
  now: () => Date,
): () => Promise<FunctionRuntime<C, D>> {
  let runtime: Promise<FunctionRuntime<C, D>> | undefined;
  return () => {
    runtime ??= create().then((rt) => ({ ...rt, deps: (context) => ({ ...rt.deps(context), now }) }));
    return runtime;
  };
}

export async function createHandlers(now: () => Date, context: Context): Promise<Handlers> {
  const bind =
    (handler: Handler): Invoke =>
    (event) =>
      handler(event, context);
  const override = bind(overrideHandler(onClock(createOverrideRuntime, now)) as Handler);
  // Lambda's asynchronous invoke, in-process: the event is taken at once, the override runs afterwards.
  const queued: Promise<unknown>[] = [];
  const slackRuntime = async () => {
    const runtime = await createSlackChatopsRuntime();
    const deps = runtime.deps(context);
    const dispatcher: OverrideDispatcher = {
      async dispatch(envelope) {
        const event = JSON.parse(JSON.stringify(envelope)) as unknown;
        queued.push(new Promise((resolve) => setImmediate(resolve)).then(() => override(event)));
      },
    };
    return { ...runtime, deps: () => ({ ...deps, dispatcher }) };
  };
  const planMode = async () => {
    const runtime = await createOriginBalancerRuntime();
    return { ...runtime, config: { ...runtime.config, mode: "plan" as const } };
  };
  return {
    slackChatops: bind(slackChatopsHandler(slackRuntime) as Handler),
    settleSlack: () =>
      Promise.all(queued.splice(0).map((p) => p.catch((error: unknown) => ({ thrown: String(error) })))),
    originBalancerPlanMode: bind(originBalancerHandler(onClock(planMode, now)) as Handler),
    originBalancer: bind(originBalancerHandler(onClock(createOriginBalancerRuntime, now)) as Handler),
    flowControl: bind(flowControlHandler(onClock(createFlowControlRuntime, now)) as Handler),
    certRotation: bind(certRotationHandler(onClock(createCertRotationRuntime, now)) as Handler),
    canary: bind(canaryHandler(onClock(createCanaryRuntime, now)) as Handler),
    override,
  };
}
