import { coversHostname, uncoveredHostnames } from "./hostnames";
import type { CertificateFacts, CertificateSelection } from "./types";

export interface CandidateVerdict {
  arn: string;
  domainName: string;
  notAfter?: string;
  /** in-service: the certificate the serving listener presents now. */
  verdict: "eligible" | "rejected" | "in-service";
  reason: string;
}

export interface CandidateEvaluation {
  verdicts: CandidateVerdict[];
  /** The eligible certificate that expires last, if any. */
  best?: CertificateFacts;
}

const DAY = 86_400_000;

/** The hostnames a replacement must cover: the configured domains, else every name of the serving certificate. */
export function requiredHostnames(
  selection: CertificateSelection,
  active: CertificateFacts | undefined,
): string[] {
  if (selection.domains && selection.domains.length > 0) return [...new Set(selection.domains)];
  return active ? [...active.names] : [];
}

/**
 * Whether the configuration names this certificate as a possible replacement at all: it carries the
 * selection tag, and it covers at least one configured domain. A certificate that is not selected does
 * not concern the pair (an event about it is ignored); a selected one is judged by evaluateCandidates.
 *
 * @example selection {domains: [iot.example.com]}: a certificate for other.example.org is not selected
 */
export function selectionVerdict(
  certificate: CertificateFacts,
  selection: CertificateSelection,
): { selected: boolean; reason: string } {
  if (selection.tag && certificate.tags[selection.tag.key] !== selection.tag.value) {
    return { selected: false, reason: `has no tag ${selection.tag.key}=${selection.tag.value}` };
  }
  if (selection.domains && !selection.domains.some((d) => coversHostname(certificate.names, d))) {
    return {
      selected: false,
      reason: `covers ${certificate.names.join(", ") || "no names"}, none of ${selection.domains.join(", ")}`,
    };
  }
  return { selected: true, reason: "matches the selection" };
}

/**
 * Cheap pre-filter on a ListCertificates summary, so only possible candidates are described: issued, and
 * (when the summary lists all its names) covering a configured domain. Unknown names are kept.
 */
export function summaryMayConcern(
  summary: { names?: readonly string[]; status?: string },
  selection: CertificateSelection,
): boolean {
  if (summary.status !== undefined && summary.status !== "ISSUED") return false;
  const names = summary.names;
  if (selection.domains === undefined || names === undefined) return true;
  return selection.domains.some((d) => coversHostname(names, d));
}

/**
 * Judges each selected certificate as a replacement for the serving one. Eligible means: ISSUED, valid
 * now (NotBefore <= now < NotAfter, checked on our clock as well as by status), a key type the ALB
 * accepts, covering every required hostname, and expiring strictly later than the serving certificate
 * (so a re-delivered or older certificate never causes a rotation). The best is the eligible one that
 * expires last; ties go to the later NotBefore, then the ARN, so every run picks the same one.
 *
 * @example serving expires 2027-01-10; A expires 2027-04-01 (ok), B 2026-12-01 -> best A, B rejected "expires sooner"
 */
export function evaluateCandidates(args: {
  certificates: readonly CertificateFacts[];
  active: CertificateFacts | undefined;
  required: readonly string[];
  keyTypes: readonly string[];
  now: Date;
}): CandidateEvaluation {
  const { active, required, keyTypes, now } = args;
  const verdicts: CandidateVerdict[] = [];
  const eligible: CertificateFacts[] = [];
  for (const certificate of args.certificates) {
    const base = {
      arn: certificate.arn,
      domainName: certificate.domainName,
      ...(certificate.notAfter ? { notAfter: certificate.notAfter } : {}),
    };
    if (active !== undefined && certificate.arn === active.arn) {
      verdicts.push({
        ...base,
        verdict: "in-service",
        reason: `serving now, expires ${day(active.notAfter)}`,
      });
      continue;
    }
    const reason = rejection(certificate, active, required, keyTypes, now);
    if (reason !== undefined) {
      verdicts.push({ ...base, verdict: "rejected", reason });
      continue;
    }
    verdicts.push({ ...base, verdict: "eligible", reason: `valid until ${day(certificate.notAfter)}` });
    eligible.push(certificate);
  }
  eligible.sort(
    (a, b) =>
      time(b.notAfter) - time(a.notAfter) ||
      time(b.notBefore) - time(a.notBefore) ||
      (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0),
  );
  const best = eligible[0];
  return best ? { verdicts, best } : { verdicts };
}

function rejection(
  certificate: CertificateFacts,
  active: CertificateFacts | undefined,
  required: readonly string[],
  keyTypes: readonly string[],
  now: Date,
): string | undefined {
  if (certificate.status !== "ISSUED") return `status ${certificate.status}`;
  if (certificate.notAfter === undefined) return "has no NotAfter date";
  if (time(certificate.notAfter) <= now.getTime()) return `expired on ${day(certificate.notAfter)}`;
  if (certificate.notBefore !== undefined && time(certificate.notBefore) > now.getTime()) {
    return `not valid before ${certificate.notBefore}`;
  }
  if (certificate.keyAlgorithm === undefined || !keyTypes.includes(certificate.keyAlgorithm)) {
    return `key ${certificate.keyAlgorithm ?? "unknown"} is not one the ALB accepts (${keyTypes.join(", ")})`;
  }
  if (required.length === 0) return "no hostnames to cover are known (configure certificates.domains)";
  const missing = uncoveredHostnames(certificate.names, required);
  if (missing.length > 0) return `does not cover ${missing.join(", ")}`;
  if (active?.notAfter !== undefined && time(certificate.notAfter) <= time(active.notAfter)) {
    return `expires ${day(certificate.notAfter)}, not later than the serving certificate (${day(active.notAfter)})`;
  }
  return undefined;
}

/** Whole days from now until the certificate expires (negative once expired). */
export function daysUntil(notAfter: string | undefined, now: Date): number | undefined {
  if (notAfter === undefined) return undefined;
  return Math.floor((time(notAfter) - now.getTime()) / DAY);
}

function time(iso: string | undefined): number {
  return iso === undefined ? 0 : Date.parse(iso);
}

function day(iso: string | undefined): string {
  return iso === undefined ? "?" : iso.slice(0, 10);
}
