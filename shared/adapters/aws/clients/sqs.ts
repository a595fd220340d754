import { SQSClient } from "@aws-sdk/client-sqs";
import { type ClientOptions, commonClientConfig } from "./options";

/** The on-failure queue: status peeks at it, `autopilot redrive` replays and deletes from it. */
export function createSqsClient(options: ClientOptions): SQSClient {
  return new SQSClient({ ...commonClientConfig(options), region: options.region });
}
