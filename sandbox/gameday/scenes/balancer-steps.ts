import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import type { PoolConfig } from "../../../shared/origin-balancer/config";
import type { BalancerDecision } from "../../../shared/origin-balancer/domain/balancer-decision";
import { scheduledEvent } from "../events";
import type { World } from "../world-types";

export function firstPool(world: World): PoolConfig {
  const pool = world.config.originBalancer?.pools[0];
  if (pool === undefined) throw new Error("the stage file has no originBalancer pool to play");
  return pool;
}

/** Route 53's weights for a pool's record, as moto holds them now. */
export async function routeWeights(world: World, pool: PoolConfig): Promise<Record<string, number>> {
  const out = await world.clients.route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: pool.record.hostedZoneId }),
  );
  const name = `${pool.record.name.replace(/\.$/, "")}.`;
  const weights: Record<string, number> = {};
  for (const record of out.ResourceRecordSets ?? []) {
    if (record.Name === name && record.Type === pool.record.type && record.SetIdentifier !== undefined) {
      weights[record.SetIdentifier] = record.Weight ?? 0;
    }
  }
  return weights;
}

/** Cache-miss load of a trace minute: Requests x (100 - CacheHitRate - TotalErrorRate) / 100. */
export function cacheMissLoad(world: World, minute: number): number | undefined {
  const row = world.trace[minute];
  if (row?.requests === undefined || row.cacheHitRate === undefined || row.totalErrorRate === undefined) {
    return undefined;
  }
  return (row.requests * (100 - row.cacheHitRate - row.totalErrorRate)) / 100;
}

/**
 * One scheduled run of the real origin-balancer handler at the scenario's current minute, then the
 * weights read back from Route 53 and the minute's load recorded for the report's charts.
 */
export async function balancerMinute(world: World, scene: string): Promise<BalancerDecision[]> {
  const pool = firstPool(world);
  const decisions = await world.recorder.invoke<BalancerDecision>(scene, () =>
    world.handlers.originBalancer(scheduledEvent(world.clock.now, world.config.stage, "origin-balancer")),
  );
  const load = cacheMissLoad(world, world.clock.minute);
  const capacity = pool.origins[0]?.capacity;
  world.recorder.balancer.push({
    time: world.clock.label(),
    scene,
    ...(load !== undefined ? { load } : {}),
    ...(capacity !== undefined ? { capacity } : {}),
    weights: await routeWeights(world, pool),
  });
  return decisions;
}

/** The share of the pool's traffic on one origin, from Route 53 weights. */
export function shareOf(weights: Record<string, number>, setIdentifier: string): number {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  return total === 0 ? 0 : (weights[setIdentifier] ?? 0) / total;
}
