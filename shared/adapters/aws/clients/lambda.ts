import { LambdaClient } from "@aws-sdk/client-lambda";
import { type ClientOptions, commonClientConfig } from "./options";

/** The override function hands canary commands and rotate-now to the automations' own functions. */
export function createLambdaClient(options: ClientOptions): LambdaClient {
  // A delegated run may wait for DNS INSYNC: the request may take minutes, unlike other calls.
  return new LambdaClient({
    ...commonClientConfig(options),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 900_000, throwOnRequestTimeout: true },
    region: options.region,
  });
}
