import { InvokeCommand } from "@aws-sdk/client-lambda";
import { SERVICE } from "../../functions/override/deps";
import { createLambdaClient } from "../../shared/adapters/aws/clients/lambda";
import { FunctionFailedError, type FunctionInvoker } from "./types";

/** Lambda's limit on the base64 client context is 3,583 bytes; a caller ARN is far below it. */
const MAX_INVOKER_CHARS = 200;

/**
 * Invokes the deployed `traffic-autopilot-<stage>-<function>` synchronously with the standard AWS
 * credentials chain (AWS_PROFILE, environment, SSO...). The caller identity travels in the client
 * context (`{"custom":{"invoker":...}}`), which the functions record beside the request id.
 */
export function createLambdaFunctionInvoker(options: {
  stage: string;
  region: string;
  caller: string;
}): FunctionInvoker {
  const client = createLambdaClient({ region: options.region });
  const clientContext = Buffer.from(
    JSON.stringify({ custom: { invoker: options.caller.slice(0, MAX_INVOKER_CHARS) } }),
  ).toString("base64");
  return {
    target: `${SERVICE}-${options.stage}-* in ${options.region}`,
    async invoke(fn, payload) {
      const functionName = `${SERVICE}-${options.stage}-${fn}`;
      const out = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "RequestResponse",
          ClientContext: clientContext,
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      const text = out.Payload ? new TextDecoder().decode(out.Payload) : "";
      const body = text === "" ? null : (JSON.parse(text) as unknown);
      if (out.FunctionError) {
        const detail = (body ?? {}) as { errorType?: string; errorMessage?: string };
        throw new FunctionFailedError(
          functionName,
          detail.errorType ?? out.FunctionError,
          detail.errorMessage ?? (text || out.FunctionError),
        );
      }
      return body;
    },
  };
}
