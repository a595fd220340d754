import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { AwsCallError } from "../../errors";
import type { AutomationInvoker } from "../../ports/automation-invoker";

/**
 * Invokes a sibling function of the same stage synchronously. Serverless names functions
 * `<service>-<stage>-<function>`; the override role may invoke exactly those two.
 */
export function createLambdaInvoker(client: LambdaClient, service: string, stage: string): AutomationInvoker {
  return {
    async invoke(automation, payload) {
      const functionName = `${service}-${stage}-${automation}`;
      const out = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "RequestResponse",
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      const text = out.Payload ? new TextDecoder().decode(out.Payload) : "null";
      const body = text === "" ? null : (JSON.parse(text) as unknown);
      if (out.FunctionError) {
        const detail = body as { errorType?: string; errorMessage?: string } | null;
        throw new AwsCallError(
          `${functionName} failed: ${detail?.errorType ?? out.FunctionError}: ${detail?.errorMessage ?? text}`,
        );
      }
      return body;
    },
  };
}
