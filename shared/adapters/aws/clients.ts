import { ACMClient } from "@aws-sdk/client-acm";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";

/**
 * The one place that builds AWS SDK clients. Endpoints come from the standard settings
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), so the same code runs against AWS, moto or the
 * sandbox. Short timeouts: a hung connection must fail over to a retry while the Lambda has time left.
 */
export interface ClientOptions {
  region: string;
  /** Tests pass moto's URL explicitly instead of relying on the environment. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** A longer wait than production's 5 s, for a local stand-in that is slow where AWS is not. */
  requestTimeoutMs?: number;
  /** Fewer attempts than production's 3 (a stand-in that answers late, not never). */
  maxAttempts?: number;
}

const common = (options: ClientOptions) => ({
  maxAttempts: options.maxAttempts ?? 3,
  // Without throwOnRequestTimeout the Node handler only logs a warning when requestTimeout passes and
  // keeps waiting: a response that never comes would hang the invocation until Lambda kills it.
  requestHandler: {
    connectionTimeout: 2_000,
    requestTimeout: options.requestTimeoutMs ?? 5_000,
    throwOnRequestTimeout: true,
  },
  ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  ...(options.credentials ? { credentials: options.credentials } : {}),
});

/** CloudFront publishes its metrics in us-east-1 whatever region the stack runs in. */
export function createCloudFrontMetricsClient(options: ClientOptions): CloudWatchClient {
  return new CloudWatchClient({ ...common(options), region: "us-east-1" });
}

export function createRoute53Client(options: ClientOptions): Route53Client {
  // Route 53 is global; its API lives in us-east-1.
  return new Route53Client({ ...common(options), region: "us-east-1" });
}

export function createSsmClient(options: ClientOptions): SSMClient {
  return new SSMClient({ ...common(options), region: options.region });
}

export function createElbv2Client(options: ClientOptions): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({ ...common(options), region: options.region });
}

/** Alarms live in the stack's region (unlike CloudFront's metrics, which are in us-east-1). */
export function createCloudWatchClient(options: ClientOptions): CloudWatchClient {
  return new CloudWatchClient({ ...common(options), region: options.region });
}

export function createEc2Client(options: ClientOptions): EC2Client {
  return new EC2Client({ ...common(options), region: options.region });
}

/** ACM is regional: an ALB can only use certificates from its own region. */
export function createAcmClient(options: ClientOptions): ACMClient {
  return new ACMClient({ ...common(options), region: options.region });
}

/** The override function hands canary commands and rotate-now to the automations' own functions. */
export function createLambdaClient(options: ClientOptions): LambdaClient {
  // A delegated run may wait for DNS INSYNC: the request may take minutes, unlike other calls.
  return new LambdaClient({
    ...common(options),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 900_000, throwOnRequestTimeout: true },
    region: options.region,
  });
}

/** The operator CLI asks STS who it runs as, to report the caller to the functions it invokes. */
export function createStsClient(options: ClientOptions): STSClient {
  return new STSClient({ ...common(options), maxAttempts: 1, region: options.region });
}

/** The on-failure queue: status peeks at it, `autopilot redrive` replays and deletes from it. */
export function createSqsClient(options: ClientOptions): SQSClient {
  return new SQSClient({ ...common(options), region: options.region });
}
