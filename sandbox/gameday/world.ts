/**
 * Brings the game-day sandbox up and down: moto, the Slack sink, N local HAProxy instances behind the
 * Run Command stand-in, the AWS side of config/sandbox.yml, the trace's CloudFront metrics, and the real
 * handlers (the same code as in Lambda) on the scenario clock. stop() ends every process it started.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import type { Context } from "aws-lambda";
import { createAcmClient } from "../../shared/adapters/aws/clients/acm";
import { createCloudWatchClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createEc2Client } from "../../shared/adapters/aws/clients/ec2";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { compileStageConfig } from "../../shared/config/compile-stage-config";
import { parseStageConfig, type StageConfig } from "../../shared/config/stage-config";
import type { TraceMinute } from "../../tools/backtest/trace";
import { putCloudFrontMetrics } from "../seed/balancer-world";
import { type FleetWorld, startFleetWorld } from "../seed/fleet-world";
import { startMoto } from "../servers/moto-server";
import { startSlackSink } from "../servers/slack-sink";
import type { ScenarioClock } from "./clock";
import { createHandlers } from "./handlers";
import { Recorder } from "./timeline";
import { seedFromConfig } from "./world-seed";
import type { World, WorldClients } from "./world-types";

export const repoRoot = path.resolve(__dirname, "../..");

export interface WorldOptions {
  clock: ScenarioClock;
  trace: readonly TraceMinute[];
  /** Scenario minutes that need CloudFront metrics (the balancer reads 15 minutes back). */
  metricsFrom: number;
  metricsTo: number;
  /** Local HAProxy instances to run; 0 leaves the fleet out (haproxy missing). */
  instances: number;
  print: (line: string) => void;
  /** Where the rewritten stage file goes; a temp dir by default (--keep uses .sandbox/). */
  workdir?: string;
}

export interface RunningWorld extends World {
  workdir: string;
  stop(): Promise<void>;
}

const REGION = "eu-west-1";

export async function startWorld(options: WorldOptions): Promise<RunningWorld> {
  const startedAt = Date.now();
  const [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
  const workdir = options.workdir ?? mkdtempSync(path.join(tmpdir(), "autopilot-gameday-"));
  let fleet: FleetWorld | undefined;
  const stop = async () => {
    await fleet?.stop();
    await Promise.all([moto.stop(), slack.stop()]);
    if (options.workdir === undefined) rmSync(workdir, { recursive: true, force: true });
  };
  try {
    // The SDK reads these standard settings; with them nothing can reach a real account.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: "sandbox",
      AWS_SECRET_ACCESS_KEY: "sandbox",
      AWS_REGION: REGION,
      AWS_PROFILE: "",
      STAGE: "sandbox",
      SLACK_API_URL: slack.apiUrl,
      LOG_LEVEL: "warn",
    });
    for (const key of ["AWS_SESSION_TOKEN", "AWS_CA_BUNDLE", "AWS_ENDPOINT_URL_SSM"]) delete process.env[key];
    const clientOptions = { region: REGION, endpoint: moto.url };
    const clients: WorldClients = {
      route53: createRoute53Client(clientOptions),
      elbv2: createElbv2Client(clientOptions),
      acm: createAcmClient(clientOptions),
      ec2: createEc2Client(clientOptions),
      ssm: createSsmClient(clientOptions),
      cloudwatch: createCloudWatchClient(clientOptions),
    };
    const configFile = path.join(workdir, "sandbox.yml");
    const source = readFileSync(path.join(repoRoot, "config/sandbox.yml"), "utf8");
    const draft = parseStageConfig(source, configFile);
    const upAt = Date.now();
    // Seeding, metrics and the HAProxy fleet are independent: started together, all awaited (settled)
    // before any failure is reported, so nothing is left starting behind a stop().
    const [seeding, metrics, fleetStart] = await Promise.allSettled([
      seedFromConfig(clients, moto.url, source, configFile),
      putTraceMetrics(draft, options, clientOptions),
      startFleet(draft, options, moto.url, clients),
    ]);
    if (fleetStart.status === "fulfilled") fleet = fleetStart.value;
    for (const outcome of [seeding, metrics, fleetStart])
      if (outcome.status === "rejected") throw outcome.reason;
    if (seeding.status !== "fulfilled") throw new Error("unreachable: seeding neither failed nor succeeded");
    const { seeded, configText, config } = seeding.value;
    writeFileSync(configFile, configText);
    // The handlers read the compiled stage config, as in Lambda (validated here like at package time).
    const compiledFile = configFile.replace(/\.yml$/, ".json");
    writeFileSync(compiledFile, compileStageConfig(configText, configFile));
    process.env.CONFIG_FILE = compiledFile;
    // Run Command goes to the stand-in, which forwards every other SSM call (parameters) to moto.
    if (fleet) process.env.AWS_ENDPOINT_URL_SSM = fleet.standIn.url;
    options.print(
      `bring-up: moto and Slack sink ${((upAt - startedAt) / 1000).toFixed(1)} s; AWS side, metrics and ${fleet?.members.length ?? 0} HAProxy instances ${((Date.now() - upAt) / 1000).toFixed(1)} s`,
    );

    const recorder = new Recorder(options.clock, slack.calls, options.print);
    const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: "gameday" } as Context;
    const handlers = await createHandlers(() => options.clock.now, context);
    const world: RunningWorld = {
      config,
      configFile,
      region: REGION,
      moto,
      slack,
      clock: options.clock,
      clients,
      seeded,
      ...(fleet ? { fleet } : {}),
      handlers,
      trace: options.trace,
      recorder,
      workdir,
      stop,
    };
    return world;
  } catch (error) {
    const log = moto.log().split("\n").slice(-15).join("\n");
    await stop();
    throw new Error(
      `the sandbox did not come up: ${(error as Error).message}\nmoto log (last lines):\n${log}`,
      {
        cause: error,
      },
    );
  }
}

/** The trace's CloudFront metrics for every distribution of every pool, on the scenario clock. */
async function putTraceMetrics(
  config: StageConfig,
  options: WorldOptions,
  clientOptions: { region: string; endpoint: string },
): Promise<void> {
  const from = Math.max(0, options.metricsFrom);
  const window = options.trace
    .slice(from, options.metricsTo + 1)
    .map((row, i) => ({ ...row, minute: options.clock.at(from + i) }));
  // moto cannot read the gzipped bodies the SDK sends for larger PutMetricData calls.
  const cdn = new CloudWatchClient({
    ...clientOptions,
    region: "us-east-1",
    disableRequestCompression: true,
  });
  const pools = config.originBalancer?.pools ?? [];
  for (const distribution of new Set(pools.flatMap((p) => p.distributions))) {
    await putCloudFrontMetrics(cdn, distribution, window);
  }
}

/** The flow-control fleet: tagged instances in moto, one local HAProxy each, the Run Command stand-in. */
async function startFleet(
  config: StageConfig,
  options: WorldOptions,
  motoUrl: string,
  clients: WorldClients,
): Promise<FleetWorld | undefined> {
  const flow = config.flowControl;
  const fleet = flow?.fleets[0];
  if (options.instances === 0 || flow === undefined || fleet === undefined) return undefined;
  // moto builds its EC2 backend on the first EC2 call, which on a busy machine outlasts the SDK's request
  // timeout: let a read pay for it, because a retried RunInstances launches the fleet twice (moto
  // ignores ClientToken) and the extra instances would never answer.
  await clients.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
  return startFleetWorld({
    motoUrl,
    ec2: clients.ec2,
    tag: fleet.tag,
    size: options.instances,
    documentName: flow.documentName,
  });
}
