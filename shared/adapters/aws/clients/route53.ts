import { Route53Client } from "@aws-sdk/client-route-53";
import { type ClientOptions, commonClientConfig } from "./options";

export function createRoute53Client(options: ClientOptions): Route53Client {
  // Route 53 is global; its API lives in us-east-1.
  return new Route53Client({ ...commonClientConfig(options), region: "us-east-1" });
}
