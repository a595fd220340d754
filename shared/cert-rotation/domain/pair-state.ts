import { balancerTarget, recordTarget } from "./dns-target";
import type { BalancerFacts, Color, DnsRecordFacts } from "./types";

export interface BalancerView {
  arn: string;
  name: string;
  color: Color;
  listenerArn: string;
  /** The listener's default certificate. */
  certificateArn: string;
  /** Every configured record points at this ALB. */
  servesDns: boolean;
  facts: BalancerFacts;
}

export interface PairView {
  balancers: [BalancerView, BalancerView];
}

export type PairReading = { ok: true; view: PairView } | { ok: false; problems: string[] };

export interface PairFacts {
  balancers: BalancerFacts[];
  /** The records found for the configured name, one per type at most. */
  records: DnsRecordFacts[];
}

/**
 * Reads the pair's structure: exactly two ALBs (the configured names, when given), each with an HTTPS
 * listener on the port and a default certificate, each tagged blue or green, and every configured
 * record pointing at the same one of them. Anything else is listed as a problem, because a rotation on
 * a pair we cannot read could cut the serving ALB's connections. Which colour patterns are acceptable
 * (one green serving; mid-rotation states) is for the policy to judge with the in-flight record.
 *
 * @example ALBs iot-a (green, DNS) and iot-b (blue) -> ok; a third ALB with the pair tag -> problem
 */
export function readPair(
  facts: PairFacts,
  expect: {
    port: number;
    colorTagKey: string;
    recordName: string;
    recordTypes: readonly string[];
    loadBalancerNames?: readonly string[];
  },
): PairReading {
  const problems: string[] = [];
  const { balancers } = facts;
  if (balancers.length !== 2) {
    problems.push(
      `found ${balancers.length} load balancers with the pair tag (${balancers.map((b) => b.name).join(", ") || "none"}); a pair needs exactly 2`,
    );
  }
  if (expect.loadBalancerNames) {
    const found = new Set(balancers.map((b) => b.name));
    const missing = expect.loadBalancerNames.filter((n) => !found.has(n));
    if (missing.length > 0)
      problems.push(`configured load balancers not found with the pair tag: ${missing.join(", ")}`);
  }
  const views: BalancerView[] = [];
  for (const balancer of balancers) {
    const listener = balancer.listener;
    const rawColor = balancer.tags[expect.colorTagKey];
    const color = rawColor?.toLowerCase();
    if (rawColor === undefined) problems.push(`${balancer.name} has no ${expect.colorTagKey} tag`);
    else if (color !== "blue" && color !== "green") {
      problems.push(`${balancer.name} has ${expect.colorTagKey}=${rawColor} (expected blue or green)`);
    }
    if (listener === undefined) {
      problems.push(`${balancer.name} has no listener on port ${expect.port}`);
      continue;
    }
    if (listener.protocol !== "HTTPS") {
      problems.push(`${balancer.name}'s listener on port ${expect.port} is ${listener.protocol}, not HTTPS`);
    }
    if (listener.defaultCertificateArn === undefined) {
      problems.push(`${balancer.name}'s listener on port ${expect.port} has no default certificate`);
      continue;
    }
    if (color === "blue" || color === "green") {
      views.push({
        arn: balancer.arn,
        name: balancer.name,
        color,
        listenerArn: listener.arn,
        certificateArn: listener.defaultCertificateArn,
        servesDns: false,
        facts: balancer,
      });
    }
  }
  // Devices reach SNI certificates only through the listener DNS points at: after the swap the new green
  // listener must serve the same ones, or a device asking for such a name gets the default certificate.
  const sni = balancers.map((b) => [...(b.listener?.sniCertificateArns ?? [])].sort().join(","));
  if (balancers.length === 2 && sni[0] !== sni[1]) {
    problems.push(
      `the listeners serve different SNI certificates (${balancers.map((b, i) => `${b.name}: ${sni[i] || "none"}`).join("; ")})`,
    );
  }
  const pointed = new Set<string>();
  for (const type of expect.recordTypes) {
    const record = facts.records.find((r) => r.type === type);
    if (record === undefined) {
      problems.push(`no ${type} record ${expect.recordName}`);
      continue;
    }
    const target = recordTarget(record);
    const balancer = balancers.find((b) => target !== undefined && balancerTarget(b) === target);
    if (balancer === undefined) {
      problems.push(
        `${type} ${expect.recordName} points at ${target ?? "something that is not an ALB"}, which is neither load balancer of the pair`,
      );
      continue;
    }
    pointed.add(balancer.arn);
  }
  if (pointed.size > 1) {
    problems.push(
      `the records of ${expect.recordName} disagree: they point at ${[...pointed].length} load balancers`,
    );
  }
  const [first, second] = views;
  if (problems.length > 0 || first === undefined || second === undefined) {
    return { ok: false, problems: problems.length > 0 ? problems : ["the pair could not be read"] };
  }
  for (const view of views) view.servesDns = pointed.has(view.arn);
  return { ok: true, view: { balancers: [first, second] } };
}
