/** The two roles of a blue/green ALB pair: green serves (DNS points at it), blue is idle. */
export type Color = "blue" | "green";

/** One ACM certificate as DescribeCertificate and ListTagsForCertificate report it. */
export interface CertificateFacts {
  arn: string;
  domainName: string;
  /** DomainName and SubjectAlternativeNames, lower case, without trailing dots or duplicates. */
  names: string[];
  /** ISSUED, EXPIRED, PENDING_VALIDATION, INACTIVE, REVOKED, FAILED, VALIDATION_TIMED_OUT. */
  status: string;
  type?: string;
  keyAlgorithm?: string;
  notBefore?: string;
  notAfter?: string;
  tags: Record<string, string>;
}

export interface ListenerFacts {
  arn: string;
  port: number;
  protocol: string;
  /** The certificate a client gets when SNI matches no other certificate. */
  defaultCertificateArn?: string;
  /** Extra (SNI) certificates; the rotation leaves them alone. */
  sniCertificateArns: string[];
}

export interface BalancerFacts {
  arn: string;
  name: string;
  /** As DescribeLoadBalancers returns it (no trailing dot). */
  dnsName: string;
  /** Route 53 alias records to this ALB must use this hosted zone id. */
  canonicalHostedZoneId: string;
  tags: Record<string, string>;
  /** The listener on the configured port; undefined when there is none. */
  listener?: ListenerFacts;
}

/** One record of the rotated name, exactly as read: everything but the target is written back as is. */
export interface DnsRecordFacts {
  type: "A" | "AAAA" | "CNAME";
  ttl?: number;
  values?: string[];
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
}

/** What the control plane remembers about one pair between runs (SSM, optimistic concurrency). */
export interface CertRotationState {
  /**
   * The rotation being applied. Written before step (a), cleared after step (c) is read back: it is what
   * tells "tags swapped, DNS not yet moved" (finish it) from "a human pointed DNS back" (hold and alert).
   */
  inFlight?: InFlightRotation;
  lastRotation?: { id: string; certificateArn: string; fromArn: string; toArn: string; completedAt: string };
  /** The hold or alert last posted to Slack: the same one is posted once per episode. */
  episode?: string;
}

export interface InFlightRotation {
  id: string;
  certificateArn: string;
  /** The ALB that served (green) when the rotation started. */
  fromArn: string;
  /** The idle ALB that gets the certificate and becomes green. */
  toArn: string;
  startedAt: string;
  /** Set when the rotation executes an approved plan. */
  planId?: string;
  /** A run applying steps holds the pair until then; a crashed run's lease runs out on its own. */
  leaseUntil?: string;
}

export const EMPTY_CERT_STATE: CertRotationState = {};

/** Which certificates the pair may rotate to (config `certificates`). */
export interface CertificateSelection {
  domains?: string[];
  tag?: { key: string; value: string };
}

export interface CertPolicy {
  alertDaysBeforeExpiry: number;
  criticalDaysBeforeExpiry: number;
  minHoursBetweenRotations: number;
  keyTypes: readonly string[];
}
