import {
  type ACMClient,
  DescribeCertificateCommand,
  type KeyAlgorithm,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
} from "@aws-sdk/client-acm";
import { certificateNames } from "../../cert-rotation/domain/hostnames";
import type { CertificateFacts } from "../../cert-rotation/domain/types";
import type { CertificateSummary, Certificates } from "../../ports/certificates";
import { isAwsError } from "./aws-error";
import { retryTransient } from "./retry";

export interface AcmOptions {
  deadline: () => Date;
}

const MAX_PAGES = 20;

/** ACM, read-only: ListCertificates (with key types), DescribeCertificate, ListTagsForCertificate. */
export function createAcmCertificates(client: ACMClient, options: AcmOptions): Certificates {
  const retry = <T>(what: string, call: () => Promise<T>) =>
    retryTransient(call, { attempts: 4, baseDelayMs: 200, deadline: options.deadline(), what });
  return {
    async list(keyTypes) {
      const out: CertificateSummary[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const response = await retry("ACM ListCertificates", () =>
          client.send(
            new ListCertificatesCommand({
              // Without Includes.keyTypes ACM lists RSA_2048 certificates only.
              Includes: { keyTypes: keyTypes as KeyAlgorithm[] },
              MaxItems: 1000,
              NextToken: nextToken,
            }),
          ),
        );
        for (const summary of response.CertificateSummaryList ?? []) {
          if (!summary.CertificateArn) continue;
          // The summary lists SANs only up to a limit; with more, the names are unknown until described.
          const complete =
            summary.SubjectAlternativeNameSummaries !== undefined &&
            !summary.HasAdditionalSubjectAlternativeNames;
          out.push({
            arn: summary.CertificateArn,
            ...(summary.DomainName ? { domainName: summary.DomainName } : {}),
            ...(complete
              ? { names: certificateNames(summary.DomainName, summary.SubjectAlternativeNameSummaries) }
              : {}),
            ...(summary.Status ? { status: summary.Status } : {}),
          });
        }
        nextToken = response.NextToken;
        if (!nextToken) break;
      }
      return out;
    },

    async describe(arn, describeOptions = {}) {
      if (!/^arn:[a-z-]+:acm:/.test(arn)) return undefined; // e.g. an IAM server certificate
      try {
        const described = await retry("ACM DescribeCertificate", () =>
          client.send(new DescribeCertificateCommand({ CertificateArn: arn })),
        );
        const detail = described.Certificate;
        if (detail === undefined) return undefined;
        const tags: Record<string, string> = {};
        if (describeOptions.tags !== false) {
          const tagged = await retry("ACM ListTagsForCertificate", () =>
            client.send(new ListTagsForCertificateCommand({ CertificateArn: arn })),
          );
          for (const tag of tagged.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? "";
        }
        const facts: CertificateFacts = {
          arn,
          domainName: detail.DomainName ?? "",
          names: certificateNames(detail.DomainName, detail.SubjectAlternativeNames),
          status: detail.Status ?? "UNKNOWN",
          tags,
          ...(detail.Type ? { type: detail.Type } : {}),
          ...(detail.KeyAlgorithm ? { keyAlgorithm: detail.KeyAlgorithm } : {}),
          ...(detail.NotBefore ? { notBefore: detail.NotBefore.toISOString() } : {}),
          ...(detail.NotAfter ? { notAfter: detail.NotAfter.toISOString() } : {}),
        };
        return facts;
      } catch (error) {
        if (isAwsError(error, "ResourceNotFoundException")) return undefined;
        throw error;
      }
    },
  };
}
