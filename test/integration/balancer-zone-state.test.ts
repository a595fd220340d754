import { ListResourceRecordSetsCommand, type Route53Client } from "@aws-sdk/client-route-53";
import { GetParameterCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { balancerStage, type SeededPool, seedPools } from "../../bench/scale-world";
import { createHandler } from "../../functions/origin-balancer/handler";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createCloudFrontMetricsClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { parameterKeys } from "../../shared/kernel/domain/parameter-layout";
import { readBalancerStates, writeZones, zoneWrites } from "../../shared/origin-balancer/balancer-zone-state";
import type { BalancerDecision } from "../../shared/origin-balancer/domain/balancer-decision";
import type { BalancerState } from "../../shared/origin-balancer/domain/types";
import type { ZoneStatePart } from "../../shared/origin-balancer/domain/zone-state";
import type { StateStore } from "../../shared/ports/state-store";
import { scheduledEvent } from "../support/events";
import { motoClientOptions, motoOrSkip } from "../support/moto";
import { balancerRuntime, lambdaContext, sinkSlackClient } from "../support/runtimes";

const hasMoto = motoOrSkip();

describe.skipIf(!hasMoto)("the balancer's state per hosted zone, on moto", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let route53: Route53Client;
  let ssm: SSMClient;
  let tests = 0;
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 30_000);
  const minutesAgo = (k: number) => new Date(now.getTime() - k * 60_000).toISOString();

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    route53 = createRoute53Client(motoClientOptions(moto.url));
    ssm = createSsmClient(motoClientOptions(moto.url));
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  /** One hosted zone with three pools (p0 and p2 spiking, p1 quiet), under a parameter prefix of its own. */
  async function world() {
    const prefix = `/traffic-autopilot/bench/zone-state-${++tests}`;
    const pools = await seedPools(route53, createCloudFrontMetricsClient(motoClientOptions(moto.url)), {
      zones: 1,
      poolsPerZone: 3,
      now,
    });
    const zone = pools[0]?.hostedZoneId ?? "";
    const stage = balancerStage(pools).replace("/traffic-autopilot/bench\n", `${prefix}\n`);
    const store = createSsmStateStore(ssm, prefix);
    const run = async (wrap: (state: StateStore) => StateStore = (s) => s) => {
      const runtime = balancerRuntime({
        stage,
        ssm: motoClientOptions(moto.url),
        slack: sinkSlackClient(slack),
        aws: motoClientOptions(moto.url),
        now: () => now,
        deadlineMs: 30_000,
        pollIntervalMs: 50,
      });
      const wrapped = {
        ...runtime,
        deps: (context: Parameters<typeof runtime.deps>[0]) => {
          const deps = runtime.deps(context);
          return { ...deps, state: wrap(deps.state) };
        },
      };
      const decisions = (await createHandler(async () => wrapped)(
        scheduledEvent,
        lambdaContext,
      )) as BalancerDecision[];
      return new Map(pools.map((p, i) => [p.name, decisions[i] as BalancerDecision]));
    };
    const zoneDocument = async () => {
      const out = await ssm
        .send(new GetParameterCommand({ Name: `${prefix}/${parameterKeys.balancerZoneState(zone)}` }))
        .catch(() => undefined);
      const value = out?.Parameter?.Value;
      return value
        ? { part: JSON.parse(value) as ZoneStatePart, version: out?.Parameter?.Version }
        : undefined;
    };
    const weights = async (pool: SeededPool) => {
      const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone }));
      return Object.fromEntries(
        (out.ResourceRecordSets ?? [])
          .filter((r) => r.Name === `${pool.record}.` && r.SetIdentifier)
          .map((r) => [r.SetIdentifier, r.Weight]),
      );
    };
    return { prefix, pools, zone, store, run, zoneDocument, weights };
  }

  it("keeps every pool of a zone in one document, written once per run, and reads it back on the next run", async () => {
    const w = await world();
    const first = await w.run();
    expect([...first.values()].map((d) => d.outcome)).toEqual(["applied", "unchanged", "applied"]);
    const written = await w.zoneDocument();
    expect(written?.version).toBe(1);
    expect(Object.keys(written?.part.pools ?? {}).sort()).toEqual(["z0-p0", "z0-p1", "z0-p2"]);
    expect(written?.part.pools["z0-p0"]?.recentChanges).toEqual([{ at: now.toISOString(), direction: 1 }]);
    // The next run reads that memory: the offload just made is not repeated, and is remembered as is.
    // Run again in the same minute: same data, so nothing to change and nothing new to remember.
    let leases = 0;
    const second = await w.run((state) => ({
      ...state,
      withLease: (key, work, options) => {
        leases += 1;
        return state.withLease(key, work, options);
      },
    }));
    expect(second.get("z0-p0")?.outcome).not.toBe("applied");
    const again = await w.zoneDocument();
    expect(again?.part.pools["z0-p0"]?.recentChanges).toEqual([{ at: now.toISOString(), direction: 1 }]);
    // A run with nothing to change or remember takes no lease and writes nothing.
    expect(leases).toBe(0);
    expect(again?.version).toBe(1);
  });

  it("carries a pool's per-pool state of an earlier version over: flap memory and override memory survive the upgrade", async () => {
    const w = await world();
    const legacy = (pool: string, state: BalancerState) =>
      ssm.send(
        new PutParameterCommand({
          Name: `${w.prefix}/${parameterKeys.balancerLegacyPoolState(pool)}`,
          Value: JSON.stringify(state),
          Type: "String",
        }),
      );
    await legacy("z0-p1", {
      recentChanges: [{ at: minutesAgo(10), direction: 1 }],
      override: { id: "ovr-old-pin", kind: "pin", author: "alice", expiresAt: minutesAgo(2) },
    });
    await legacy("z0-p2", { recentChanges: [{ at: minutesAgo(20), direction: -1 }] });
    const decisions = await w.run();
    // The override memory came along: its end is said, once, as on any run after an override.
    expect(decisions.get("z0-p1")?.headline).toMatch(
      /override \(pin by alice\) expired at .*automation resumed/,
    );
    const pools = (await w.zoneDocument())?.part.pools ?? {};
    expect(pools["z0-p1"]?.recentChanges).toEqual([{ at: minutesAgo(10), direction: 1 }]);
    expect(pools["z0-p1"]?.override).toBeUndefined();
    expect(pools["z0-p2"]?.recentChanges).toEqual([
      { at: minutesAgo(20), direction: -1 },
      { at: now.toISOString(), direction: 1 },
    ]);
    // The earlier parameter is left in place (read-only for the balancer); the zone document wins now.
    const statePools = w.pools.map((p) => ({ name: p.name, record: { hostedZoneId: p.hostedZoneId } }));
    const snapshot = await readBalancerStates(w.store, statePools);
    expect(snapshot.carried.size).toBe(0);
    expect(snapshot.states.get("z0-p1")?.recentChanges).toEqual([{ at: minutesAgo(10), direction: 1 }]);
  });

  it("changes nothing when another run wrote the zone's document after this run read it", async () => {
    const w = await world();
    const before = await Promise.all(w.pools.map(w.weights));
    // Another invocation writes the zone document between this run's reads and its lease.
    const interleaved = (state: StateStore): StateStore => ({
      ...state,
      loadMany: state.loadMany?.bind(state),
      loadUnder: state.loadUnder?.bind(state),
      load: state.load.bind(state),
      save: state.save.bind(state),
      withLease: async (key, work, options) => {
        await w.store.save(parameterKeys.balancerZoneState(w.zone), { parts: 1, pools: {} });
        return state.withLease(key, work, options);
      },
    });
    const decisions = await w.run(interleaved);
    for (const pool of ["z0-p0", "z0-p2"]) {
      expect(decisions.get(pool)?.outcome).toBe("failed");
      expect(decisions.get(pool)?.error?.name).toBe("ConflictError");
      expect(decisions.get(pool)?.error?.message).toMatch(
        /another invocation wrote the balancer state of hosted zone .* since this run read it: this run changed nothing/,
      );
    }
    expect(await Promise.all(w.pools.map(w.weights))).toEqual(before);
    // Only the other writer's version: this run wrote nothing.
    expect((await w.zoneDocument())?.version).toBe(1);
    expect(
      await ssm
        .send(new GetParameterCommand({ Name: `${w.prefix}/origin-balancer/lease` }))
        .catch((e: Error) => e.name),
    ).toBe("ParameterNotFound");
  });

  it("writes a zone whose pools outgrow 4 KB in numbered parts and reads every field back", async () => {
    const w = await world();
    const pools = Array.from({ length: 10 }, (_, i) => ({
      name: `big-${i}`,
      record: { hostedZoneId: w.zone },
    }));
    const state = (i: number): BalancerState => ({
      recentChanges: [{ at: minutesAgo(5), direction: -1 }],
      recentPeaks: Array.from({ length: 30 }, (_, m) => ({
        at: minutesAgo(30 - m),
        load: 17_376.98351453708 - m * 97.3 + i,
      })),
    });
    const empty = await readBalancerStates(w.store, pools);
    const next = new Map(pools.map((p, i) => [p.name, state(i)]));
    const writes = zoneWrites(pools, empty, next);
    expect(writes[0]?.parts.length).toBeGreaterThan(1);
    // Part 1 last: its version is the zone's version.
    expect(writes[0]?.parts.at(-1)?.key).toBe(parameterKeys.balancerZoneState(w.zone));
    await writeZones(w.store, writes);
    const back = await readBalancerStates(w.store, pools);
    expect(Object.fromEntries(back.states)).toEqual(Object.fromEntries(next));
    // Nothing changed: nothing to write.
    expect(zoneWrites(pools, back, next)).toEqual([]);
  });
});
