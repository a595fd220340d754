import { stableId } from "../../kernel/domain/ids";
import type { PairFacts } from "./pair-state";
import type { CertificateFacts, Color, DnsRecordFacts } from "./types";

/** One ALB of the pair as Slack and the Decision show it. */
export interface BalancerSnapshot {
  name: string;
  arn: string;
  /** The colour tag as read (may be missing or odd on an inconsistent pair). */
  color?: string;
  certificateArn?: string;
  certificateNotAfter?: string;
  /** DNS points at this ALB. */
  dns: boolean;
}

export interface PairSnapshot {
  balancers: BalancerSnapshot[];
}

export type RotationStep =
  | {
      kind: "attach-certificate";
      balancer: string;
      balancerArn: string;
      listenerArn: string;
      certificateArn: string;
    }
  | { kind: "set-color"; balancer: string; balancerArn: string; color: Color }
  | { kind: "point-dns"; balancer: string; balancerArn: string; records: DnsRecordFacts[] };

export function snapshotOf(
  facts: PairFacts,
  colorTagKey: string,
  dnsArn: string | undefined,
  certificates: ReadonlyMap<string, CertificateFacts>,
): PairSnapshot {
  return {
    balancers: [...facts.balancers]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((b) => {
        const certificateArn = b.listener?.defaultCertificateArn;
        const notAfter = certificateArn ? certificates.get(certificateArn)?.notAfter : undefined;
        const color = b.tags[colorTagKey];
        return {
          name: b.name,
          arn: b.arn,
          ...(color !== undefined ? { color } : {}),
          ...(certificateArn ? { certificateArn } : {}),
          ...(notAfter ? { certificateNotAfter: notAfter } : {}),
          dns: b.arn === dnsArn,
        };
      }),
  };
}

/** The snapshot once the steps are done: what a plan promises, and what "after" shows when applied. */
export function afterSteps(
  before: PairSnapshot,
  steps: readonly RotationStep[],
  certificates: ReadonlyMap<string, CertificateFacts>,
): PairSnapshot {
  let balancers = before.balancers.map((b) => ({ ...b }));
  for (const step of steps) {
    if (step.kind === "point-dns") {
      balancers = balancers.map((b) => ({ ...b, dns: b.arn === step.balancerArn }));
      continue;
    }
    balancers = balancers.map((b) => {
      if (b.arn !== step.balancerArn) return b;
      if (step.kind === "set-color") return { ...b, color: step.color };
      const notAfter = certificates.get(step.certificateArn)?.notAfter;
      const { certificateNotAfter: _, ...rest } = b;
      return {
        ...rest,
        certificateArn: step.certificateArn,
        ...(notAfter ? { certificateNotAfter: notAfter } : {}),
      };
    });
  }
  return { balancers };
}

/**
 * What a stored plan was made from, in a comparable form: which ALB has which colour, certificate and
 * DNS. An approval is refused when the world no longer matches (someone rotated by hand, a tag moved).
 */
export function fingerprintOf(snapshot: PairSnapshot): string {
  return snapshot.balancers
    .map((b) => `${b.arn}|${b.color ?? "-"}|${b.certificateArn ?? "-"}|${b.dns ? "dns" : "-"}`)
    .sort()
    .join(";");
}

export { stableId };
