import type { StageConfig } from "../config/stage-config";
import type { StoredWeightPlan } from "../domain/balancer/weight-plan";
import { splitOf } from "../domain/canary/split";
import type { CanaryRecord } from "../domain/canary/types";
import type { StoredPlan } from "../domain/certificates/rotation-plan";
import type { CertificateFacts, CertRotationState } from "../domain/certificates/types";
import type { FleetState } from "../domain/flow-control/types";
import { EVERY, type StoredOverride } from "../domain/overrides/types";
import { canaryStatus, fleetStatus, poolStatus } from "../domain/status/automations";
import { pairStatus } from "../domain/status/cert-pair";
import { planStatus, summariseOverrides, wanted } from "../domain/status/overrides";
import type { PlanStatus, StatusDocument, StatusQuery } from "../domain/status/types";
import { describeError } from "../errors";
import type { Certificates } from "../ports/certificates";
import type { DnsPointer } from "../ports/dns-pointer";
import type { FleetInventory } from "../ports/fleet-inventory";
import type { ListenerRules } from "../ports/listener-rules";
import type { LoadBalancers } from "../ports/load-balancers";
import type { OverrideReader } from "../ports/override-store";
import type { StateStore } from "../ports/state-store";
import type { WeightedRecords } from "../ports/weighted-records";
import { planKey as poolPlanKey } from "./balancer-plans";
import { readBalancerStates } from "./balancer-zone-state";
import { stateKey as fleetStateKey } from "./control-flow";
import { readFacts, recordRef } from "./read-cert-pair";
import { stateKey as pairStateKey, planKey } from "./rotate-certificates";
import { recordKey, refOf, specOf } from "./run-canaries";

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
  const poolPlans = new Map(pools.map((p) => [p.name, load<StoredWeightPlan>(deps, poolPlanKey(p.name))]));
  const pairPlans = new Map(pairs.map((p) => [p.name, load<StoredPlan>(deps, planKey(p.name))]));
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
            state: await load<FleetState>(deps, fleetStateKey(fleet)),
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
            state: await load<CertRotationState>(deps, pairStateKey(pair.name)),
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
            record: await load<CanaryRecord>(deps, recordKey(c.name)),
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
            .filter((p): p is StoredPlan | StoredWeightPlan => p !== undefined)
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
