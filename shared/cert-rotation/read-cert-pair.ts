import type { CertificateSummary } from "../ports/certificates";
import type { DnsPointerRef } from "../ports/dns-pointer";
import type { CertPairConfig } from "./config";
import type { CertRotationDeps } from "./deps";
import { summaryMayConcern } from "./domain/candidates";
import type { PairFacts } from "./domain/pair-state";
import type { CertificateFacts, CertRotationState } from "./domain/types";

/** Bound on DescribeCertificate calls per run (ACM allows 10/s; a daily run can afford a few hundred). */
const MAX_DESCRIBED = 300;
const MAX_BALANCERS = 10;

/** Reads the pair: its ALBs (by tag), each one's HTTPS listener, and the DNS records. */
export async function readFacts(
  deps: Pick<CertRotationDeps, "balancers" | "dns">,
  pair: CertPairConfig,
): Promise<PairFacts> {
  const found = await deps.balancers.findByTag(pair.pairTag, pair.loadBalancerNames);
  const balancers = [];
  for (const balancer of found.slice(0, MAX_BALANCERS)) {
    const listener = await deps.balancers.listener(balancer.arn, pair.listenerPort);
    balancers.push(listener ? { ...balancer, listener } : balancer);
  }
  // More than MAX_BALANCERS is inconsistent anyway; keep the count visible to the policy.
  return {
    balancers: [...balancers, ...found.slice(MAX_BALANCERS)],
    records: await deps.dns.read(recordRef(pair)),
  };
}

/**
 * The listeners' certificates, the in-flight one, the event's, then every possible candidate. Without
 * configured domains a candidate must cover the serving certificates' names, so those names narrow the
 * listing before anything else is described.
 */
export async function readCertificates(
  deps: CertRotationDeps,
  pair: CertPairConfig,
  facts: PairFacts,
  state: CertRotationState,
  eventArn: string | undefined,
  list: () => Promise<CertificateSummary[]>,
): Promise<Map<string, CertificateFacts>> {
  const certificates = new Map<string, CertificateFacts>();
  const describe = async (arn: string) => {
    if (certificates.has(arn)) return;
    const described = await deps.certificates.describe(arn, { tags: pair.certificates.tag !== undefined });
    if (described) certificates.set(arn, described);
  };
  const known = [
    ...facts.balancers.map((b) => b.listener?.defaultCertificateArn),
    state.inFlight?.certificateArn,
    eventArn,
  ];
  for (const arn of new Set(known)) if (arn !== undefined) await describe(arn);
  const servingNames = [...certificates.values()].flatMap((c) => c.names);
  const narrowed = { ...pair.certificates, domains: pair.certificates.domains ?? servingNames };
  const candidates = (await list()).filter((s) => !certificates.has(s.arn) && summaryMayConcern(s, narrowed));
  if (candidates.length > MAX_DESCRIBED) {
    deps.logger.warn("too many possible candidates; describing the first ones", {
      pair: pair.name,
      count: candidates.length,
    });
  }
  for (const summary of candidates.slice(0, MAX_DESCRIBED)) await describe(summary.arn);
  return certificates;
}

export function recordRef(pair: CertPairConfig): DnsPointerRef {
  return { hostedZoneId: pair.record.hostedZoneId, name: pair.record.name, types: pair.record.types };
}
