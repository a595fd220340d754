import { STSClient } from "@aws-sdk/client-sts";
import { type ClientOptions, commonClientConfig } from "./options";

/** The operator CLI asks STS who it runs as, to report the caller to the functions it invokes. */
export function createStsClient(options: ClientOptions): STSClient {
  return new STSClient({ ...commonClientConfig(options), maxAttempts: 1, region: options.region });
}
