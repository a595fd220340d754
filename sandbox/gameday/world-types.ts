import type { ACMClient } from "@aws-sdk/client-acm";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { StageConfig } from "../../shared/config/stage-config";
import type { TraceMinute } from "../../tools/backtest/trace";
import type { CanaryWorld } from "../seed/canary-world";
import type { SeededPair } from "../seed/cert-world";
import type { FleetWorld } from "../seed/fleet-world";
import type { MotoServer } from "../servers/moto-server";
import type { SlackSink } from "../servers/slack-sink";
import type { ScenarioClock } from "./clock";
import type { Recorder } from "./timeline";

/** A real handler (the Lambda's own code) bound to a Lambda-like context. */
export type Invoke = (event: unknown) => Promise<unknown>;

export interface Handlers {
  originBalancer: Invoke;
  flowControl: Invoke;
  certRotation: Invoke;
  canary: Invoke;
  override: Invoke;
  /** The slack-chatops function URL: its answer to one (signed) request. */
  slackChatops: Invoke;
  /**
   * Waits for the override runs slack-chatops queued (Lambda's asynchronous invoke, played in-process
   * on the override handler above) and returns their results.
   */
  settleSlack(): Promise<unknown[]>;
  /** The origin balancer's real handler with its section in plan mode, as a stage with `mode: plan` runs it. */
  originBalancerPlanMode: Invoke;
}

export interface WorldClients {
  route53: Route53Client;
  elbv2: ElasticLoadBalancingV2Client;
  acm: ACMClient;
  ec2: EC2Client;
  ssm: SSMClient;
  /** Alarms, in the stage's region. */
  cloudwatch: CloudWatchClient;
}

/** What the bring-up created in moto for each section of the stage file. */
export interface Seeded {
  hostedZoneId: string;
  certPair?: SeededPair & { pairName: string; servingCertificateArn: string };
  canary?: CanaryWorld & { name: string };
  alarmTopicArn?: string;
}

/** Everything a scene may look at or drive. */
export interface World {
  config: StageConfig;
  configFile: string;
  region: string;
  moto: MotoServer;
  slack: SlackSink;
  clock: ScenarioClock;
  clients: WorldClients;
  seeded: Seeded;
  /** The local HAProxy fleet and the Run Command stand-in; absent when haproxy is not installed. */
  fleet?: FleetWorld;
  handlers: Handlers;
  trace: readonly TraceMinute[];
  recorder: Recorder;
}
