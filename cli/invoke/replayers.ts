import { InvokeCommand } from "@aws-sdk/client-lambda";
import type { Context } from "aws-lambda";
import { createLambdaClient } from "../../shared/adapters/aws/clients/lambda";
import type { EventReplayer } from "../../shared/watchdog/redrive-failed-events";

/**
 * Replays a failed event through the deployed function, synchronously, so the CLI learns whether it
 * succeeded before the message is deleted. The function's own validation and idempotency rules apply.
 */
export function createLambdaReplayer(region: string): EventReplayer {
  const client = createLambdaClient({ region });
  return {
    async replay(functionName, payload) {
      try {
        const out = await client.send(
          new InvokeCommand({
            FunctionName: functionName,
            InvocationType: "RequestResponse",
            Payload: new TextEncoder().encode(JSON.stringify(payload)),
          }),
        );
        const text = out.Payload ? new TextDecoder().decode(out.Payload) : "";
        if (out.FunctionError) return { ok: false, error: `${out.FunctionError}: ${text.slice(0, 500)}` };
        return { ok: true, response: text === "" ? null : (JSON.parse(text) as unknown) };
      } catch (error) {
        return {
          ok: false,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        };
      }
    },
  };
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * The sandbox's replayer: the real handlers in this process (the environment already points at the
 * sandbox), found by the deployed function name `traffic-autopilot-<stage>-<automation>`.
 */
export function createLocalReplayer(stage: string): EventReplayer {
  // Loaded on first use: a redrive of one function does not pay for the others' code.
  const load = async (automation: string): Promise<Handler | undefined> => {
    switch (automation) {
      case "flow-control": {
        const [{ createHandler }, { createFlowControlRuntime }] = await Promise.all([
          import("../../functions/flow-control/handler"),
          import("../../functions/flow-control/deps"),
        ]);
        return createHandler(createFlowControlRuntime);
      }
      case "origin-balancer": {
        const [{ createHandler }, { createOriginBalancerRuntime }] = await Promise.all([
          import("../../functions/origin-balancer/handler"),
          import("../../functions/origin-balancer/deps"),
        ]);
        return createHandler(createOriginBalancerRuntime);
      }
      case "cert-rotation": {
        const [{ createHandler }, { createCertRotationRuntime }] = await Promise.all([
          import("../../functions/cert-rotation/handler"),
          import("../../functions/cert-rotation/deps"),
        ]);
        return createHandler(createCertRotationRuntime);
      }
      case "canary": {
        const [{ createHandler }, { createCanaryRuntime }] = await Promise.all([
          import("../../functions/canary/handler"),
          import("../../functions/canary/deps"),
        ]);
        return createHandler(createCanaryRuntime);
      }
      default:
        return undefined;
    }
  };
  const handlers = new Map<string, Handler | undefined>();
  const prefix = `traffic-autopilot-${stage}-`;
  return {
    async replay(functionName, payload) {
      if (!functionName.startsWith(prefix))
        return { ok: false, error: `${functionName} is not a function of stage ${stage}` };
      const automation = functionName.slice(prefix.length);
      if (!handlers.has(automation)) handlers.set(automation, await load(automation));
      const handler = handlers.get(automation);
      if (!handler) return { ok: false, error: `no local handler for ${functionName}` };
      const deadline = Date.now() + 900_000;
      const context = {
        functionName,
        awsRequestId: `local-redrive-${Date.now()}`,
        getRemainingTimeInMillis: () => deadline - Date.now(),
      } as unknown as Context;
      try {
        return { ok: true, response: await handler(payload, context) };
      } catch (error) {
        return {
          ok: false,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        };
      }
    },
  };
}
