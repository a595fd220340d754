import { AwsCallError, ConflictError, describeError } from "../errors";
import { parameterKeys } from "../kernel/domain/parameter-layout";
import type { StateStore } from "../ports/state-store";
import type { WeightedRecord, WeightedRecords, WeightUpdate } from "../ports/weighted-records";
import type { Logger } from "../runtime/logger";
import { type BalancerStateSnapshot, writeZones, zonesWrittenSince, zoneWrites } from "./balancer-zone-state";
import type { PoolConfig } from "./config";
import type { ApplyResult } from "./domain/balancer-decision";
import type { BalancerState, Weights } from "./domain/types";

/** A pool whose weights this run changes. */
export interface ChangeItem {
  pool: PoolConfig;
  target: string;
  records: WeightedRecord[];
  plan: { after: Weights };
}

/** A pool's outcome once the run knows what was applied: its new state (none after a failed apply). */
export interface Settled {
  pool: string;
  next?: BalancerState;
}

export interface ApplyDeps {
  records: WeightedRecords;
  state: StateStore;
  logger: Logger;
  deadline: () => Date;
}

/**
 * The write half of a run, under ONE run lease: of two overlapping runs (a manual invoke beside the
 * schedule) only one changes anything. The lease is taken only when there is something to change or
 * remember. Holding it, the run re-reads the zone documents' versions (one batched read): if any moved
 * since this run read them, another run acted meanwhile, and this one changes nothing (its changes fail
 * with the ConflictError; the next run decides again on fresh data). Then one ChangeBatch per hosted
 * zone, INSYNC awaited, and the changed zone documents written.
 *
 * No listing after the change: a ChangeBatch is all-or-nothing, the lease keeps our other runs out, and
 * the next run's listing compares what Route 53 holds anyway (a human's edit is reported then).
 *
 * `settle` turns the apply results into each pool's decision and next state. `stateError`: the state
 * could not be written after the run's changes were made (recorded first, then raised).
 */
export async function applyUnderLease<S extends Settled>(
  deps: ApplyDeps,
  input: {
    pools: readonly PoolConfig[];
    snapshot: BalancerStateSnapshot;
    toApply: readonly ChangeItem[];
    settle: (results: Map<string, ApplyResult>) => S[];
  },
): Promise<{ settled: S[]; stateError?: unknown }> {
  const { pools, snapshot, toApply, settle } = input;
  const remember = async (settled: S[]) =>
    writeZones(deps.state, zoneWrites(pools, snapshot, nextStates(settled)));
  const checkVersions = async () => {
    const moved = await zonesWrittenSince(deps.state, snapshot);
    if (moved.length > 0) {
      throw new ConflictError(
        `another invocation wrote the balancer state of hosted zone ${moved.join(", ")} since this run read it: this run changed nothing, the next run decides again`,
      );
    }
  };
  if (toApply.length === 0) {
    const settled = settle(new Map());
    let writes: ReturnType<typeof zoneWrites>;
    try {
      writes = zoneWrites(pools, snapshot, nextStates(settled));
    } catch (error) {
      return { settled, stateError: error };
    }
    if (writes.length === 0) return { settled };
    try {
      await deps.state.withLease(
        parameterKeys.balancerLease(),
        async () => {
          await checkVersions();
          await writeZones(deps.state, writes);
        },
        { until: deps.deadline() },
      );
    } catch (error) {
      // The other run's state is the newer one: this run's memory is not written over it.
      if (error instanceof ConflictError)
        deps.logger.warn("balancer state not written", describeError(error));
      else return { settled, stateError: error };
    }
    return { settled };
  }
  let done: { settled: S[]; stateError?: unknown } | undefined;
  try {
    await deps.state.withLease(
      parameterKeys.balancerLease(),
      async () => {
        await checkVersions();
        const settled = settle(await applyChanges(deps, toApply));
        done = { settled };
        await remember(settled).catch((error: unknown) => {
          done = { settled, stateError: error };
        });
      },
      { until: deps.deadline() },
    );
    if (done) return done;
  } catch (error) {
    // Releasing the lease failed after the work was done: the changes stand, the error is raised.
    if (done) return { settled: done.settled, stateError: done.stateError ?? error };
    // The lease, or the version check under it, refused: nothing was changed.
    const failed = new Map<string, ApplyResult>(
      toApply.map((item) => [item.target, { kind: "failed", error: describeError(error) }]),
    );
    return { settled: settle(failed) };
  }
  throw new Error("balancer apply: the lease returned without running its work");
}

function nextStates(settled: readonly Settled[]): Map<string, BalancerState> {
  return new Map(settled.flatMap((s) => (s.next ? [[s.pool, s.next] as const] : [])));
}

/** One ChangeBatch per hosted zone; INSYNC awaited (GetChange) while the change is PENDING. */
async function applyChanges(
  deps: ApplyDeps,
  items: readonly ChangeItem[],
): Promise<Map<string, ApplyResult>> {
  const results = new Map<string, ApplyResult>();
  const byZone = new Map<string, ChangeItem[]>();
  for (const item of items)
    byZone.set(item.pool.record.hostedZoneId, [...(byZone.get(item.pool.record.hostedZoneId) ?? []), item]);
  for (const [zone, zoneItems] of byZone) {
    try {
      const updates: WeightUpdate[] = zoneItems.map((item) => ({
        ref: item.pool.record,
        records: item.records
          .filter(
            (r) =>
              item.plan.after[r.setIdentifier] !== undefined && item.plan.after[r.setIdentifier] !== r.weight,
          )
          .map((r) => ({ ...r, weight: item.plan.after[r.setIdentifier] as number })),
      }));
      const [submitted] = await deps.records.apply(updates);
      if (submitted === undefined) throw new AwsCallError(`no change submitted for ${zone}`);
      const status =
        submitted.status === "INSYNC"
          ? "INSYNC"
          : await deps.records.waitInSync(submitted.changeId, deps.deadline());
      for (const item of zoneItems)
        results.set(item.target, { kind: "applied", changeId: submitted.changeId, status });
    } catch (error) {
      for (const item of zoneItems) results.set(item.target, { kind: "failed", error: describeError(error) });
    }
  }
  return results;
}
