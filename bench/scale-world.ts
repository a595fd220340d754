import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { SSMClient } from "@aws-sdk/client-ssm";
import { type RunCommandStandIn, startRunCommandStandIn } from "../sandbox/run-command/server";
import { putCloudFrontMetrics } from "../sandbox/seed/balancer-world";
import { launchInstances } from "../sandbox/seed/fleet-world";
import { repoRoot } from "./bundles";

/**
 * Clients for seeding moto only (not the code under test): moto slows down as it fills up, past the
 * product clients' 5 s request timeout on a busy machine, and a retried RunInstances would launch the
 * instances twice.
 */
export function seedingClients(motoUrl: string) {
  const options = {
    region: "us-east-1",
    endpoint: motoUrl,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: { requestTimeout: 120_000 },
    maxAttempts: 1,
  };
  return {
    route53: new Route53Client(options),
    cloudwatch: new CloudWatchClient(options),
    ec2: new EC2Client({ ...options, region: "eu-west-1" }),
    /** For looking at what the run stored (not counted). */
    ssm: new SSMClient({ ...options, region: "eu-west-1" }),
  };
}

export interface SeededPool {
  name: string;
  hostedZoneId: string;
  record: string;
  distribution: string;
  spiking: boolean;
}

/**
 * `zones` hosted zones with `poolsPerZone` weighted CNAME pairs (primary 254 / elastic 1) each, and
 * CloudFront metrics for one distribution per pool: every other pool sees a spike well over its primary's
 * capacity (its weights must move), the rest a quiet load (they must not).
 */
export async function seedPools(
  route53: Route53Client,
  cloudwatch: CloudWatchClient,
  options: { zones: number; poolsPerZone: number; now: Date },
): Promise<SeededPool[]> {
  const pools: SeededPool[] = [];
  for (let z = 0; z < options.zones; z++) {
    const zoneName = `zone-${z}.bench.example.com`;
    const zone = await route53.send(
      new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `bench-${zoneName}-${Date.now()}` }),
    );
    const hostedZoneId = (zone.HostedZone?.Id ?? "").replace("/hostedzone/", "");
    const zonePools = Array.from({ length: options.poolsPerZone }, (_, p) => ({
      name: `z${z}-p${p}`,
      hostedZoneId,
      record: `origin-${p}.${zoneName}`,
      distribution: `EBZ${String(z).padStart(2, "0")}P${String(p).padStart(2, "0")}`,
      spiking: p % 2 === 0,
    }));
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: {
          Changes: zonePools.flatMap((pool) =>
            (["primary", "elastic"] as const).map((id) => ({
              Action: "CREATE" as const,
              ResourceRecordSet: {
                Name: pool.record,
                Type: "CNAME" as const,
                SetIdentifier: id,
                Weight: id === "primary" ? 254 : 1,
                TTL: 60,
                ResourceRecords: [{ Value: `${id}.${pool.name}.origin.example.net` }],
              },
            })),
          ),
        },
      }),
    );
    pools.push(...zonePools);
  }
  const minuteStart = Math.floor(options.now.getTime() / 60_000) * 60_000;
  for (const pool of pools) {
    // Spike: 200,000 x (100 - 90 - 0.5)% = 19,000 origin requests/min against a 9,000 capacity.
    const load = pool.spiking
      ? { requests: 200_000, cacheHitRate: 90, totalErrorRate: 0.5 }
      : { requests: 50_000, cacheHitRate: 95, totalErrorRate: 0 };
    await putCloudFrontMetrics(
      cloudwatch,
      pool.distribution,
      Array.from({ length: 14 }, (_, i) => ({ minute: new Date(minuteStart - (i + 1) * 60_000), ...load })),
    );
  }
  return pools;
}

export function balancerStage(pools: readonly SeededPool[]): string {
  const entries = pools.map(
    (p) => `    - name: ${p.name}
      record: { hostedZoneId: ${p.hostedZoneId}, name: ${p.record}, type: CNAME }
      distributions: [${p.distribution}]
      origins:
        - { setIdentifier: primary, capacity: 9000 }
        - { setIdentifier: elastic }`,
  );
  return `${stageHeader()}originBalancer:\n  mode: auto\n  pools:\n${entries.join("\n")}\n`;
}

export const FLEET_DOCUMENT = "TrafficAutopilot-bench-FlowControl";
export const FLEET_ALARM = "web-overload";

export function flowControlStage(): string {
  return `${stageHeader()}flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms]
  documentName: ${FLEET_DOCUMENT}
  fleets:
    - name: web
      tag: { key: Role, value: haproxy-web }
      alarms:
        - { alarmName: ${FLEET_ALARM}, onAlarm: close, onOk: open }
`;
}

export const BENCH_PARAMETER_PREFIX = "/traffic-autopilot/bench";

function stageHeader(): string {
  return `stage: bench
region: eu-west-1
parameterPrefix: ${BENCH_PARAMETER_PREFIX}
slack: { channel: "#traffic", tokenParameter: /traffic-autopilot/bench/slack-token }
`;
}

/**
 * Stands in for flowctl where 1,000 real HAProxy processes would not fit: answers exactly what flowctl
 * answers after a successful change (one JSON line, exit 0) without touching anything.
 */
const NOOP_FLOWCTL = `#!/bin/bash
case "$1" in
  close) mode=closed; rate=0 ;;
  open|status) mode=open; rate=0 ;;
  admit) mode=admitting; rate="$2" ;;
  *) echo '{"ok":false,"action":"'"$1"'","mode":"unknown","admitRate":0,"servedMode":"unknown","changed":false,"elapsedMs":0,"message":"usage"}'; exit 2 ;;
esac
echo '{"ok":true,"action":"'"$*"'","mode":"'"$mode"'","admitRate":'"$rate"',"servedMode":"'"$mode"'","changed":true,"elapsedMs":0,"message":"no-op flowctl (scale bench)"}'
`;

export interface SimulatedFleet {
  instanceIds: string[];
  standIn: RunCommandStandIn;
  stop(): Promise<void>;
}

/** `size` EC2 instances in moto with the fleet tag, each played by the Run Command stand-in with a no-op flowctl. */
export async function startSimulatedFleet(
  ec2: EC2Client,
  motoUrl: string,
  size: number,
): Promise<SimulatedFleet> {
  const instanceIds: string[] = [];
  // Batches of 50: moto takes seconds for one RunInstances of hundreds.
  for (let launched = 0; launched < size; launched += 50) {
    instanceIds.push(...(await launchInstances(ec2, Math.min(50, size - launched), { Role: "haproxy-web" })));
  }
  const scratch = await mkdtemp(path.join(tmpdir(), "ta-bench-fleet-"));
  try {
    const bin = path.join(scratch, "bin");
    await mkdir(bin);
    await writeFile(path.join(bin, "flowctl"), NOOP_FLOWCTL);
    await chmod(path.join(bin, "flowctl"), 0o755);
    const standIn = await startRunCommandStandIn({
      motoUrl,
      documents: {
        [FLEET_DOCUMENT]: await readFile(path.join(repoRoot, "infra/ssm-documents/flow-control.yml"), "utf8"),
      },
      instances: instanceIds.map((instanceId) => ({
        instanceId,
        tags: { Role: "haproxy-web" },
        cwd: scratch,
        env: { HOME: scratch },
        online: true,
      })),
      pathPrepend: [bin],
    });
    return {
      instanceIds,
      standIn,
      async stop() {
        await standIn.stop();
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
