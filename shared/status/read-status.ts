import { splitOf } from "../canary/domain/split";
import type { CanaryRecord } from "../canary/domain/types";
import { refOf, specOf } from "../canary/run-canaries";
import type { PendingRotationPlan } from "../cert-rotation/domain/pending-rotation-plan";
import type { CertificateFacts, CertRotationState } from "../cert-rotation/domain/types";
import { readFacts, recordRef } from "../cert-rotation/read-cert-pair";
import type { StageConfig } from "../config/stage-config";
import { describeError } from "../errors";
import type { FleetState } from "../flow-control/domain/types";
import { EVERY, type StoredOverride } from "../kernel/domain/override-types";
import { parameterKeys } from "../kernel/domain/parameter-layout";
import { readBalancerStates } from "../origin-balancer/balancer-zone-state";
import type { PendingWeightPlan } from "../origin-balancer/domain/pending-weight-plan";
import type { Certificates } from "../ports/certificates";
import type { DnsPointer } from "../ports/dns-pointer";
import type { FleetInventory } from "../ports/fleet-inventory";
import type { ListenerRules } from "../ports/listener-rules";
import type { LoadBalancers } from "../ports/load-balancers";
import type { OverrideReader } from "../ports/override-store";
import type { StateStore } from "../ports/state-store";
import type { WeightedRecords } from "../ports/weighted-records";
import { canaryStatus, fleetStatus, poolStatus } from "./domain/automations";
import { pairStatus } from "./domain/cert-pair";
import { planStatus, summariseOverrides, wanted } from "./domain/overrides";
import type { PlanStatus, StatusDocument, StatusQuery } from "./domain/types";

/** Read-only ports: status never writes, never sends a command, never posts to Slack. */
export interface StatusDeps {
  records: WeightedRecords;
  inventory: FleetInventory;
  balancers: LoadBalancers;
  dns: DnsPointer;
  certificates: Certificates;
  rules: ListenerRules;
  state: StateStore;
  overrides: OverrideReader;
  now: () => Date;
}

/**
 * One status document for the stage (or the automation/target the query names). Sections are read in
 * parallel; an item that cannot be read carries its error, the rest of the document is still returned.
 */
export async function readStatus(
  deps: StatusDeps,
  stage: StageConfig,
  query: StatusQuery,
): Promise<StatusDocument> {
  const now = deps.now();
  const listed = await settle(deps.overrides.list());
  // Without the overrides, items are shown without theirs; the overrides section says why.
  const all = "value" in listed ? listed.value : [];
  const pools = (stage.originBalancer?.pools ?? []).filter((p) => wanted(query, "origin-balancer", p.name));
  const fleets = (stage.flowControl?.fleets ?? []).filter((f) => wanted(query, "flow-control", f.name));
  const pairs = (stage.certRotation?.pairs ?? []).filter((p) => wanted(query, "cert-rotation", p.name));
  // Each stored plan is read once and shown both with its pool or pair and in the plans list.
  const poolPlans = new Map(
    pools.map((p) => [p.name, load<PendingWeightPlan>(deps, parameterKeys.balancerPendingPlan(p.name))]),
  );
  const pairPlans = new Map(
    pairs.map((p) => [p.name, load<PendingRotationPlan>(deps, parameterKeys.pairPendingPlan(p.name))]),
  );
  const allPlans = settle(Promise.all([...poolPlans.values(), ...pairPlans.values()]));
  const canaries = (stage.canary?.canaries ?? []).filter((c) => wanted(query, "canary", c.name));
  // Every shown pool's memory in one batched read of the zone documents (as the balancer reads it).
  const poolStates = pools.length > 0 ? readBalancerStates(deps.state, pools) : undefined;
  poolStates?.catch(() => undefined);
  const [originBalancer, flowControl, certRotation, canary, storedPlans] = await Promise.all([
    Promise.all(
      pools.map((pool) =>
        item("pool", pool.name, async () =>
          poolStatus({
            pool: pool.name,
            record: pool.record,
            weights: Object.fromEntries(
              (await deps.records.read(pool.record)).map((r) => [r.setIdentifier, r.weight]),
            ),
            state: (await poolStates)?.states.get(pool.name),
            plan: await poolPlans.get(pool.name),
            overrides: all,
            now,
          }),
        ),
      ),
    ),
    Promise.all(
      fleets.map((fleet) =>
        item("fleet", fleet.name, async () =>
          fleetStatus({
            fleet: fleet.name,
            tag: fleet.tag,
            state: await load<FleetState>(deps, parameterKeys.fleetState(fleet.name)),
            instances: await deps.inventory.listInstances(fleet.tag),
            overrides: all,
            now,
          }),
        ),
      ),
    ),
    Promise.all(
      pairs.map((pair) =>
        item("pair", pair.name, async () => {
          const facts = await readFacts(deps, pair);
          const certificates = new Map<string, CertificateFacts>();
          for (const b of facts.balancers) {
            const arn = b.listener?.defaultCertificateArn;
            if (arn === undefined || certificates.has(arn)) continue;
            const described = await deps.certificates.describe(arn, { tags: false });
            if (described) certificates.set(arn, described);
          }
          return pairStatus({
            pair: pair.name,
            expect: {
              port: pair.listenerPort,
              colorTagKey: pair.colorTagKey,
              recordName: recordRef(pair).name,
              recordTypes: pair.record.types,
              ...(pair.loadBalancerNames ? { loadBalancerNames: pair.loadBalancerNames } : {}),
            },
            facts,
            certificates,
            state: await load<CertRotationState>(deps, parameterKeys.pairState(pair.name)),
            plan: await pairPlans.get(pair.name),
            overrides: all,
            now,
          });
        }),
      ),
    ),
    Promise.all(
      canaries.map((c) =>
        item("name", c.name, async () => {
          const groups = { stableArn: c.stableTargetGroupArn, canaryArn: c.canaryTargetGroupArn };
          return canaryStatus({
            name: c.name,
            steps: specOf(c).steps,
            record: await load<CanaryRecord>(deps, parameterKeys.canaryRecord(c.name)),
            split: splitOf(await deps.rules.read(refOf(c)), groups).split,
            overrides: all,
            now,
          });
        }),
      ),
    ),
    allPlans,
  ]);
  return {
    stage: stage.stage,
    at: now.toISOString(),
    query,
    originBalancer,
    flowControl,
    certRotation,
    canary,
    overrides:
      "value" in listed ? summariseOverrides(narrow(listed.value, query), now) : { error: listed.error },
    plans:
      "value" in storedPlans
        ? storedPlans.value
            .filter((p): p is PendingRotationPlan | PendingWeightPlan => p !== undefined)
            .map((p): PlanStatus => planStatus(p, now))
        : { error: storedPlans.error },
  };
}

async function load<T>(deps: Pick<StatusDeps, "state">, key: string): Promise<T | undefined> {
  return (await deps.state.load<T>(key))?.value;
}

async function item<K extends string, T extends Record<K, string>>(
  key: K,
  name: string,
  read: () => Promise<T>,
): Promise<T | (Record<K, string> & { error: string })> {
  try {
    return await read();
  } catch (error) {
    const { name: kind, message } = describeError(error);
    return { [key]: name, error: `${kind}: ${message}` } as Record<K, string> & { error: string };
  }
}

async function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await promise };
  } catch (error) {
    const { name, message } = describeError(error);
    return { error: `${name}: ${message}` };
  }
}

/** The overrides that can apply to the narrowed automation/target (an "every automation" one always can). */
function narrow(overrides: StoredOverride[], query: StatusQuery): StoredOverride[] {
  return overrides.filter(
    (o) =>
      o.automation === EVERY ||
      ((query.automation === undefined || o.automation === query.automation) &&
        (query.target === undefined || o.target === EVERY || o.target === query.target)),
  );
}
