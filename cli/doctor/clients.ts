import { SNSClient } from "@aws-sdk/client-sns";
import {
  createCloudFrontMetricsClient,
  createCloudWatchClient,
} from "../../shared/adapters/aws/clients/cloudwatch";
import { createEc2Client } from "../../shared/adapters/aws/clients/ec2";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createLambdaClient } from "../../shared/adapters/aws/clients/lambda";
import type { ClientOptions } from "../../shared/adapters/aws/clients/options";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import type { DoctorClients } from "./run-doctor";

/**
 * The clients doctor reads through: the caller's own credentials and the standard endpoint settings,
 * or moto's URL and fake credentials for --local. SNS only here: no function publishes or reads it.
 */
export function doctorClients(
  options: ClientOptions & { ssmEndpoint?: string },
  slackApiUrl?: string,
): DoctorClients {
  const ssmOptions = options.ssmEndpoint ? { ...options, endpoint: options.ssmEndpoint } : options;
  return {
    route53: createRoute53Client(options),
    cloudfrontMetrics: createCloudFrontMetricsClient(options),
    cloudwatch: createCloudWatchClient(options),
    sns: new SNSClient({
      region: options.region,
      maxAttempts: 3,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    }),
    ec2: createEc2Client(options),
    ssm: createSsmClient(ssmOptions),
    elbv2: createElbv2Client(options),
    lambda: createLambdaClient(options),
    slack: (token) => createSlackClient(token, 5_000, slackApiUrl),
  };
}

export function destroyClients(clients: DoctorClients): void {
  for (const [key, client] of Object.entries(clients)) {
    if (key !== "slack" && typeof (client as { destroy?: () => void }).destroy === "function") {
      (client as { destroy: () => void }).destroy();
    }
  }
}
