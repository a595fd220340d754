import type { PairFacts } from "../../../shared/cert-rotation/domain/pair-state";
import type { PairSpec, RotationInput } from "../../../shared/cert-rotation/domain/plan-rotation";
import type { BalancerFacts, CertificateFacts, CertPolicy } from "../../../shared/cert-rotation/domain/types";

/** Small builders for the certificate policy tests: a healthy pair that each row bends one way. */
export const NOW = new Date("2026-11-02T12:00:00Z");
const DAY = 86_400_000;
export const days = (n: number) => new Date(NOW.getTime() + n * DAY).toISOString();
export const arn = (id: string) => `arn:aws:acm:eu-west-1:123456789012:certificate/${id}`;

export function cert(id: string, overrides: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    arn: arn(id),
    domainName: "devices.example.com",
    names: ["devices.example.com", "*.devices.example.com"],
    status: "ISSUED",
    type: "IMPORTED",
    keyAlgorithm: "RSA_2048",
    notBefore: days(-30),
    notAfter: days(60),
    tags: {},
    ...overrides,
  };
}

export function balancer(
  name: string,
  color: string | undefined,
  certificateArn: string | undefined,
  overrides: Partial<BalancerFacts> = {},
): BalancerFacts {
  return {
    arn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/${name}/0123456789abcdef`,
    name,
    dnsName: `${name}-1234567890.eu-west-1.elb.amazonaws.com`,
    canonicalHostedZoneId: "Z32O12XQLNTSW2",
    tags: { Pair: "iot", ...(color !== undefined ? { DeploymentColor: color } : {}) },
    listener: {
      arn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/${name}/0123456789abcdef/fedcba9876543210`,
      port: 443,
      protocol: "HTTPS",
      ...(certificateArn ? { defaultCertificateArn: certificateArn } : {}),
      sniCertificateArns: [],
    },
    ...overrides,
  };
}

export const aliasTo = (b: BalancerFacts, type: "A" | "AAAA" = "A") => ({
  type,
  alias: {
    hostedZoneId: b.canonicalHostedZoneId,
    dnsName: `dualstack.${b.dnsName}.`,
    evaluateTargetHealth: true,
  },
});

export const SPEC: PairSpec = {
  name: "iot",
  port: 443,
  colorTagKey: "DeploymentColor",
  recordName: "devices.example.com.",
  recordTypes: ["A"],
};

export const POLICY: CertPolicy = {
  alertDaysBeforeExpiry: 30,
  criticalDaysBeforeExpiry: 7,
  minHoursBetweenRotations: 24,
  keyTypes: ["RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"],
};

/** iot-a green with DNS and the serving certificate, iot-b blue with an older one. */
export function healthyPair(serving = cert("serving"), idle = cert("idle", { notAfter: days(20) })) {
  const a = balancer("iot-a", "green", serving.arn);
  const b = balancer("iot-b", "blue", idle.arn);
  const facts: PairFacts = { balancers: [a, b], records: [aliasTo(a)] };
  return { a, b, facts, certificates: [serving, idle] };
}

export function input(
  facts: PairFacts,
  certificates: CertificateFacts[],
  overrides: Partial<RotationInput> = {},
): RotationInput {
  return {
    pair: SPEC,
    facts,
    certificates: new Map(certificates.map((c) => [c.arn, c])),
    selection: { domains: ["devices.example.com", "*.devices.example.com"] },
    policy: POLICY,
    state: {},
    now: NOW,
    ...overrides,
  };
}
