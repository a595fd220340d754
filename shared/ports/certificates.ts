import type { CertificateFacts } from "../cert-rotation/domain/types";

export interface CertificateSummary {
  arn: string;
  domainName?: string;
  /** DomainName and SANs from the listing; undefined when the listing does not give them all. */
  names?: string[];
  status?: string;
}

/** ACM, read-only. */
export interface Certificates {
  /** Every certificate of these key types (ACM lists only RSA_2048 unless asked for others). */
  list(keyTypes: readonly string[]): Promise<CertificateSummary[]>;
  /**
   * Details, and tags unless `tags: false` (one more call per certificate, needed only to select by tag);
   * undefined when the certificate does not exist (or is not an ACM certificate).
   */
  describe(arn: string, options?: { tags?: boolean }): Promise<CertificateFacts | undefined>;
}
