import { normaliseHostname } from "./hostnames";
import type { BalancerFacts, DnsRecordFacts } from "./types";

/**
 * The ALB DNS name a record resolves to, in a comparable form: lower case, no trailing dot, and no
 * `dualstack.` prefix (Route 53 alias records to an ALB are usually written with it; the ALB reports its
 * name without). Undefined when the record cannot point at an ALB (plain IP addresses, several values).
 *
 * @example alias dualstack.IOT-A-1.eu-west-1.elb.amazonaws.com. -> iot-a-1.eu-west-1.elb.amazonaws.com
 */
export function recordTarget(record: DnsRecordFacts): string | undefined {
  if (record.alias) return comparable(record.alias.dnsName);
  if (record.type === "CNAME" && record.values?.length === 1 && record.values[0]) {
    return comparable(record.values[0]);
  }
  return undefined;
}

export function balancerTarget(balancer: Pick<BalancerFacts, "dnsName">): string {
  return comparable(balancer.dnsName);
}

/**
 * The same record pointed at another ALB. An alias keeps its `dualstack.` style and
 * EvaluateTargetHealth and takes the ALB's canonical hosted zone id; a CNAME keeps its TTL. Nothing a
 * human set on the record is rolled back.
 */
export function retarget(record: DnsRecordFacts, to: BalancerFacts): DnsRecordFacts {
  if (record.alias) {
    const dualstack = normaliseHostname(record.alias.dnsName).startsWith("dualstack.");
    return {
      type: record.type,
      alias: {
        hostedZoneId: to.canonicalHostedZoneId,
        dnsName: `${dualstack ? "dualstack." : ""}${to.dnsName.toLowerCase()}`,
        evaluateTargetHealth: record.alias.evaluateTargetHealth,
      },
    };
  }
  return {
    type: record.type,
    ...(record.ttl !== undefined ? { ttl: record.ttl } : {}),
    values: [to.dnsName.toLowerCase()],
  };
}

function comparable(name: string): string {
  const host = normaliseHostname(name);
  return host.startsWith("dualstack.") ? host.slice("dualstack.".length) : host;
}
