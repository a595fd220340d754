import { mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import type { FleetTag } from "../../shared/flow-control/domain/types";
import { type LocalInstance, type RunCommandStandIn, startRunCommandStandIn } from "../run-command/server";
import { type HaproxyInstance, repoRoot, startHaproxyInstance } from "../servers/haproxy-instance";

/** moto accepts any AMI id; this one is only a label. */
const AMI = "ami-0abcdef1234567890";

/**
 * Launches `count` EC2 instances carrying `tags` in moto and returns the ids moto assigned (i- + 17 hex),
 * which is what the local HAProxy instances and the Run Command stand-in must then use.
 */
export async function launchInstances(
  ec2: EC2Client,
  count: number,
  tags: Record<string, string>,
): Promise<string[]> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: AMI,
      InstanceType: "t3.micro",
      MinCount: count,
      MaxCount: count,
      // AWS makes a retried launch idempotent with this; moto ignores it (see the sandbox's warm-up read).
      ClientToken: `launch-${Object.values(tags).join("-")}-${Date.now()}`.slice(0, 64),
      TagSpecifications: [
        { ResourceType: "instance", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  const ids = (out.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
  if (ids.length !== count) throw new Error(`moto launched ${ids.length} instances, wanted ${count}`);
  return ids;
}

export interface FleetMember {
  instanceId: string;
  haproxy: HaproxyInstance;
}

export interface FleetWorld {
  members: FleetMember[];
  /** Instances in EC2 with another tag: flow control must never address them. */
  bystanderIds: string[];
  standIn: RunCommandStandIn;
  documentName: string;
  /** Makes flowctl on this instance fail with a setup error (its settings file disappears); returns the repair. */
  breakFlowctl(instanceId: string): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

export interface FleetWorldOptions {
  /** Where the stand-in forwards every SSM call that is not Run Command (parameters, documents). */
  motoUrl: string;
  /** A moto-backed EC2 client: the fleet is launched there so EC2 DescribeInstances finds it. */
  ec2: EC2Client;
  tag: FleetTag;
  size: number;
  documentName: string;
  bystanders?: number;
  deliveryTimeoutMs?: number;
  invocationVisibleAfterMs?: number;
  /** The stand-in's delivery model (see RunCommandStandInOptions.deliveryLatencyMs); default 0. */
  deliveryLatencyMs?: number;
}

/**
 * A local fleet for flow control: EC2 instances in moto tagged as the fleet, one real HAProxy + flowctl per
 * instance id, and the Run Command stand-in running our SSM document (infra/ssm-documents/flow-control.yml)
 * on them with infra/instance on PATH, exactly as the agent would run `flowctl <action>`.
 */
export async function startFleetWorld(options: FleetWorldOptions): Promise<FleetWorld> {
  const ids = await launchInstances(options.ec2, options.size, {
    [options.tag.key]: options.tag.value,
    Service: "web",
  });
  const bystanderIds =
    (options.bystanders ?? 0) > 0
      ? await launchInstances(options.ec2, options.bystanders ?? 0, {
          [options.tag.key]: `${options.tag.value}-other`,
        })
      : [];
  const members: FleetMember[] = [];
  const scratch = await mkdtemp(path.join(tmpdir(), "ta-fleet-world-"));
  let standIn: RunCommandStandIn | undefined;
  const stopAll = async () => {
    await standIn?.stop();
    await Promise.all(members.map((m) => m.haproxy.stop()));
    await rm(scratch, { recursive: true, force: true });
  };
  try {
    // Started one after another: each picks free ports, and parallel starts would race for them.
    for (const instanceId of ids)
      members.push({ instanceId, haproxy: await startHaproxyInstance({ name: instanceId }) });
    // As install.md says after installing the configuration: `flowctl check` runs haproxy -c once, so the
    // first mode change does not pay for it on the incident path.
    for (const member of members) {
      const { exitCode, json } = await member.haproxy.runFlowctl(["check"]);
      if (exitCode !== 0) throw new Error(`flowctl check on ${member.instanceId}: ${json.message}`);
    }
    const instances: LocalInstance[] = [
      ...members.map((m) => ({
        instanceId: m.instanceId,
        tags: { [options.tag.key]: options.tag.value, Name: m.instanceId },
        cwd: m.haproxy.dir,
        env: { FLOWCTL_CONFIG: m.haproxy.flowctlConfigPath, HOME: m.haproxy.dir },
        online: true,
      })),
      // Bystanders run nothing: if a command ever reached one, its flowctl would fail loudly.
      ...bystanderIds.map((instanceId) => ({
        instanceId,
        tags: { [options.tag.key]: `${options.tag.value}-other` },
        cwd: scratch,
        env: { FLOWCTL_CONFIG: path.join(scratch, "missing.conf") },
        online: true,
      })),
    ];
    standIn = await startRunCommandStandIn({
      motoUrl: options.motoUrl,
      documents: {
        [options.documentName]: await readFile(
          path.join(repoRoot, "infra/ssm-documents/flow-control.yml"),
          "utf8",
        ),
      },
      instances,
      pathPrepend: [path.join(repoRoot, "infra/instance")],
      ...(options.deliveryTimeoutMs !== undefined ? { deliveryTimeoutMs: options.deliveryTimeoutMs } : {}),
      ...(options.deliveryLatencyMs !== undefined ? { deliveryLatencyMs: options.deliveryLatencyMs } : {}),
      ...(options.invocationVisibleAfterMs !== undefined
        ? { invocationVisibleAfterMs: options.invocationVisibleAfterMs }
        : {}),
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
  const started = standIn;
  return {
    members,
    bystanderIds,
    standIn: started,
    documentName: options.documentName,
    async breakFlowctl(instanceId) {
      const member = members.find((m) => m.instanceId === instanceId);
      if (member === undefined) throw new Error(`no fleet member ${instanceId}`);
      const settings = member.haproxy.flowctlConfigPath;
      await rename(settings, `${settings}.away`);
      return () => rename(`${settings}.away`, settings);
    },
    stop: stopAll,
  };
}
