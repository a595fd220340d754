import { ACMClient } from "@aws-sdk/client-acm";
import { type ClientOptions, commonClientConfig } from "./options";

/** ACM is regional: an ALB can only use certificates from its own region. */
export function createAcmClient(options: ClientOptions): ACMClient {
  return new ACMClient({ ...commonClientConfig(options), region: options.region });
}
