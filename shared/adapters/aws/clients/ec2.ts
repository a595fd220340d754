import { EC2Client } from "@aws-sdk/client-ec2";
import { type ClientOptions, commonClientConfig } from "./options";

export function createEc2Client(options: ClientOptions): EC2Client {
  return new EC2Client({ ...commonClientConfig(options), region: options.region });
}
