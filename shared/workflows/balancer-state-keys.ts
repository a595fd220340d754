/**
 * Where the origin balancer keeps its memory, relative to the stage's parameter prefix. The IAM policy
 * (infra/iam/origin-balancer-policy.ts) allows exactly these keys, so both are built here.
 *
 * - one state document per hosted zone, holding the state of each of its pools by pool name; a zone
 *   whose pools' states outgrow one standard parameter continues in numbered parts (`state-2`, ...);
 * - one run lease: the balancer's state writes and Route 53 changes of a run happen while holding it;
 * - the per-pool state of earlier versions, read (never written) to carry a pool's memory over.
 */
export const BALANCER_ROOT = "origin-balancer";

/** Part 1 (`part` omitted or 1) is the zone's document proper: it says how many parts there are. */
export function zoneStateKey(hostedZoneId: string, part = 1): string {
  return `${zoneStatePath(hostedZoneId)}/state${part === 1 ? "" : `-${part}`}`;
}

/** Every part of one zone's document lives under this path. */
export function zoneStatePath(hostedZoneId: string): string {
  return `${BALANCER_ROOT}/zones/${hostedZoneId}`;
}

/** Held while a run writes balancer state or changes Route 53: one writer at a time. */
export const BALANCER_LEASE_KEY = `${BALANCER_ROOT}/lease`;

/** The state parameter of one pool before states were kept per hosted zone (read-only now). */
export function legacyPoolStateKey(pool: string): string {
  return `${BALANCER_ROOT}/${pool}/state`;
}
