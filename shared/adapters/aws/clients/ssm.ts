import { SSMClient } from "@aws-sdk/client-ssm";
import { type ClientOptions, commonClientConfig } from "./options";

export function createSsmClient(options: ClientOptions): SSMClient {
  return new SSMClient({ ...commonClientConfig(options), region: options.region });
}
