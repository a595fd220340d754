import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { AwsCallError } from "../../errors";
import type { OverrideDispatcher } from "../../ports/slack-chatops";

/**
 * Queues the request for the stage's override function (InvocationType Event): Lambda answers 202 as
 * soon as the event is stored, so the endpoint acknowledges Slack in well under its 3 seconds however long
 * the override then takes. The endpoint's role may invoke this one function only.
 */
export function createLambdaOverrideDispatcher(
  client: LambdaClient,
  service: string,
  stage: string,
): OverrideDispatcher {
  const functionName = `${service}-${stage}-override`;
  return {
    async dispatch(envelope) {
      const out = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "Event",
          Payload: new TextEncoder().encode(JSON.stringify(envelope)),
        }),
      );
      if (out.StatusCode !== 202) {
        throw new AwsCallError(
          `${functionName} did not queue the request (status ${out.StatusCode ?? "none"})`,
        );
      }
    },
  };
}
