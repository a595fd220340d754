import { performance } from "node:perf_hooks";
import { GetParametersByPathCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { putFleetAlarm, seedingCloudWatch } from "../sandbox/seed/fleet-alarms";
import { motoAvailable, startMoto } from "../sandbox/servers/moto-server";
import { startSlackSink } from "../sandbox/servers/slack-sink";
import type { FlowDecision } from "../shared/flow-control/domain/flow-control-decision";
import type { BalancerDecision } from "../shared/origin-balancer/domain/balancer-decision";
import { type CountedCall, startCallCounter, tally, timeline } from "./call-counter";
import { alarmNotification, scheduledEvent } from "./events";
import type { InvocationCalls, ScaleResult } from "./results";
import {
  BENCH_PARAMETER_PREFIX,
  balancerStage,
  FLEET_ALARM,
  flowControlStage,
  seedingClients,
  seedPools,
  startSimulatedFleet,
} from "./scale-world";
import { balancerHandler, flowControlHandler } from "./wiring";

export const SCALE_GOAL = { wallMs: 60_000, changeBatchesPerZone: 1 };
const ZONES = 10;
const POOLS_PER_ZONE = 10;
/** Lambda's maximum: a run slower than the goal is measured to its end instead of being cut off at 60 s. */
const LONG_TIMEOUT_MS = 900_000;

/**
 * One origin-balancer invocation over 100 weighted record sets in 10 zones and one flow-control alarm over
 * a 1,000-instance fleet, against moto behind a call-counting proxy. Seeding goes straight to moto and
 * is not counted.
 */
export async function benchScale(options: {
  instances: number;
  log: (line: string) => void;
}): Promise<ScaleResult> {
  if (!motoAvailable()) throw new Error('scale bench: moto is not installed (pip install "moto[server]")');
  const [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
  let fleet: Awaited<ReturnType<typeof startSimulatedFleet>> | undefined;
  let counter: Awaited<ReturnType<typeof startCallCounter>> | undefined;
  try {
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 30_000);
    options.log(
      `scale: seeding ${ZONES * POOLS_PER_ZONE} pools in ${ZONES} zones and ${options.instances} instances`,
    );
    const seed = seedingClients(moto.url);
    const pools = await seedPools(seed.route53, seed.cloudwatch, {
      zones: ZONES,
      poolsPerZone: POOLS_PER_ZONE,
      now,
    });
    fleet = await startSimulatedFleet(seed.ec2, moto.url, options.instances);
    const standIn = fleet.standIn;
    counter = await startCallCounter((service) => (service === "ssm" ? standIn.url : moto.url));
    const endpoints = { ssm: counter.url, aws: counter.url, slackApiUrl: slack.apiUrl };

    options.log("scale: one origin-balancer run");
    const balance = balancerHandler<BalancerDecision[]>(balancerStage(pools), endpoints, () => now, {
      timeoutMs: LONG_TIMEOUT_MS,
    });
    const balanced = await timed(counter, () => balance(scheduledEvent(now)));
    options.log(`scale: balancer run took ${balanced.wallMs} ms, ${balanced.calls.length} AWS calls`);
    const decisions = balanced.value;
    const stored = await storedStateSizes(seed.ssm);
    const changeBatchesPerZone: Record<string, number> = {};
    for (const call of balanced.calls.filter((c) => c.operation === "ChangeResourceRecordSets"))
      changeBatchesPerZone[call.hostedZoneId ?? "?"] =
        (changeBatchesPerZone[call.hostedZoneId ?? "?"] ?? 0) + 1;
    const outcomes: Record<string, number> = {};
    for (const d of decisions) outcomes[d.outcome] = (outcomes[d.outcome] ?? 0) + 1;

    options.log(`scale: one flow-control alarm over ${options.instances} instances`);
    const control = flowControlHandler<FlowDecision[]>(flowControlStage(), endpoints, {
      slowEc2: true,
      timeoutMs: LONG_TIMEOUT_MS,
    });
    // Flow control confirms the notification with DescribeAlarms: the alarm is in ALARM, as notified.
    const cloudwatch = seedingCloudWatch(moto.url);
    await putFleetAlarm(cloudwatch, FLEET_ALARM, "ALARM").finally(() => cloudwatch.destroy());
    const controlled = await timed(counter, () =>
      control(alarmNotification(FLEET_ALARM, "ALARM", new Date(), 1)),
    );
    options.log(`scale: flow-control run took ${controlled.wallMs} ms, ${controlled.calls.length} AWS calls`);
    const [flow] = controlled.value;
    if (flow === undefined) throw new Error("scale bench: flow control returned no decision");

    const balancerCalls = summary(balanced);
    const flowCalls = summary(controlled);
    return {
      balancer: {
        ...balancerCalls,
        zones: ZONES,
        pools: pools.length,
        changedPools: decisions.filter((d) => d.outcome === "applied").length,
        changeBatchesPerZone,
        outcomes,
      },
      flowControl: {
        ...flowCalls,
        instances: options.instances,
        sendCommandBatches: flowCalls.calls.ssm?.SendCommand ?? 0,
        converged: flow.observed.counts.converged,
        outcome: `${flow.rule} ${flow.outcome}`,
        flowctl:
          "no-op flowctl script run by the Run Command stand-in on every simulated instance (bash per instance)",
      },
      goal: SCALE_GOAL,
      notes: [
        ...notes(balancerCalls, pools.length, ZONES),
        stateNote(stored),
        ...fleetNotes(flowCalls, options.instances),
        `Wall times include moto on the same 2 cores: ${perCall(balancerCalls)} ms per balancer call and ${perCall(flowCalls)} ms per flow-control call on average; flow control's EC2 client waits up to 60 s here because moto takes seconds to render 1,000 instances.`,
      ],
    };
  } finally {
    await counter?.stop();
    await fleet?.stop();
    await Promise.all([moto.stop(), slack.stop()]);
  }
}

interface Timed<T> {
  value: T;
  wallMs: number;
  calls: readonly CountedCall[];
}

async function timed<T>(
  counter: { reset(): void; calls(): readonly CountedCall[] },
  run: () => Promise<T>,
): Promise<Timed<T>> {
  counter.reset();
  const started = performance.now();
  const value = await run();
  return { value, wallMs: Math.round(performance.now() - started), calls: counter.calls() };
}

function summary(run: Timed<unknown>): InvocationCalls {
  return {
    wallMs: run.wallMs,
    calls: tally(run.calls),
    totalCalls: run.calls.length,
    timeline: timeline(run.calls),
  };
}

/** Where the flow-control run's time went, read from the call timeline. */
function fleetNotes(flow: InvocationCalls, instances: number): string[] {
  const describe = flow.timeline["ec2 DescribeInstances"];
  const sends = flow.timeline["ssm SendCommand"];
  const sent = flow.calls.ssm?.SendCommand ?? 0;
  const chunks = Math.ceil(instances / 50);
  const out: string[] = [];
  if (describe && sends) {
    out.push(
      `Flow control: moto answered DescribeInstances for ${instances} instances after ${Math.round((sends.firstMs - describe.firstMs) / 1000)} s; the ${sent} SendCommand calls then spread over ${Math.round((sends.lastMs - sends.firstMs) / 1000)} s because the in-process Run Command stand-in spawns one bash per instance (a no-op flowctl) while answering each call.`,
    );
  }
  if (sent > chunks) {
    out.push(
      `${sent} SendCommand calls for ${chunks} chunks of 50: the SDK retried ${sent - chunks} after the stand-in took longer than the 5 s request timeout to answer, so those instances ran the command twice (flowctl is idempotent; real SSM answers SendCommand at once).`,
    );
  }
  return out;
}

const perCall = (run: InvocationCalls) => Math.round(run.wallMs / Math.max(1, run.totalCalls));

interface StoredStateSizes {
  documents: number;
  documentBytes: number[];
  poolBytes: number[];
}

/** The zone state documents the run wrote, read straight from moto (not counted): how big they are. */
async function storedStateSizes(ssm: SSMClient): Promise<StoredStateSizes> {
  const out: StoredStateSizes = { documents: 0, documentBytes: [], poolBytes: [] };
  let nextToken: string | undefined;
  for (let page = 0; page < 100; page++) {
    const answer = await ssm.send(
      new GetParametersByPathCommand({
        Path: `${BENCH_PARAMETER_PREFIX}/origin-balancer/zones`,
        Recursive: true,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const parameter of answer.Parameters ?? []) {
      const value = parameter.Value ?? "";
      out.documents += 1;
      out.documentBytes.push(Buffer.byteLength(value));
      const part = JSON.parse(value) as { pools?: Record<string, unknown> };
      for (const state of Object.values(part.pools ?? {}))
        out.poolBytes.push(Buffer.byteLength(JSON.stringify(state)));
    }
    nextToken = answer.NextToken;
    if (!nextToken) break;
  }
  return out;
}

function stateNote(sizes: StoredStateSizes): string {
  const range = (values: number[]) =>
    values.length === 0 ? "none" : `${Math.min(...values)}-${Math.max(...values)} bytes`;
  return `State: ${sizes.documents} zone documents written (one per hosted zone, ${range(sizes.documentBytes)} each of the 4,096 a standard parameter holds), one pool's state ${range(sizes.poolBytes)}. SSM calls: overrides by path; zone documents read with one GetParameters and re-read once under the run lease (PutParameter, DeleteParameter); the second GetParametersByPath is the one look for per-pool state of an earlier version, made because every pool is missing from its zone document on a new stack (later runs skip it).`;
}

/** Where the balancer spends calls per pool that a per-zone or batched read could save. */
function notes(balancer: InvocationCalls, pools: number, zones: number): string[] {
  const out: string[] = [];
  const lists = balancer.calls.route53?.ListResourceRecordSets ?? 0;
  if (lists > 2 * zones) {
    out.push(
      `The balancer lists record sets per pool (one read before deciding, one read-back per changed pool): ${lists} ListResourceRecordSets for ${pools} pools in ${zones} zones, where one paginated listing per zone before and after would do. At Route 53's 10 requests/s per account that costs time, not correctness.`,
    );
  }
  const metrics = balancer.calls.monitoring?.GetMetricData ?? 0;
  if (metrics > 1) {
    out.push(
      `GetMetricData is called once per pool (${metrics} calls); one call takes up to 500 queries, so 100 pools x 3 series would fit in one batch.`,
    );
  }
  const reads = balancer.calls.ssm?.GetParameter ?? 0;
  if (reads >= pools) {
    out.push(
      `State is read with one GetParameter per pool (${reads}); GetParameters takes 10 names per call.`,
    );
  }
  // One per zone document, one for the run lease.
  const writes = balancer.calls.ssm?.PutParameter ?? 0;
  if (writes > zones + 1) {
    out.push(
      `${writes} PutParameter for ${zones} zone documents and one run lease: a zone's document was split into parts (over 4 KB), or calls were retried.`,
    );
  }
  return out;
}
