import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCertRotationEvent } from "../../../shared/cert-rotation/acm-event";

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../../fixtures/events/eventbridge/${name}.json`), "utf8"));
const ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/61f50cd4-45b9-4259-b049-d0a53682fa4b";

describe("parsing the events the cert-rotation function subscribes to", () => {
  it.each([
    {
      name: "acm-certificate-available",
      kind: "certificate-event",
      certificateArn: ARN,
      source: /^ACM Certificate Available /,
    },
    {
      name: "acm-certificate-approaching-expiration",
      kind: "certificate-event",
      certificateArn: ARN,
      source: /^ACM Certificate Approaching Expiration /,
    },
    {
      name: "cloudtrail-import-certificate",
      kind: "certificate-event",
      certificateArn: ARN,
      source: /^ImportCertificate /,
    },
    { name: "scheduled-event", kind: "schedule", certificateArn: undefined, source: /rule\// },
  ])("reads $name", ({ name, kind, certificateArn, source }) => {
    const parsed = parseCertRotationEvent(fixture(name));
    expect(parsed.trigger.kind).toBe(kind);
    expect(parsed.trigger.source).toMatch(source);
    expect(parsed.certificateArn).toBe(certificateArn);
    expect(parsed.ignoreReason).toBeUndefined();
  });

  it("takes the certificate ARN of a re-import from the request", () => {
    const event = fixture("cloudtrail-import-certificate");
    event.detail.requestParameters.certificateArn = ARN;
    event.detail.responseElements = null;
    expect(parseCertRotationEvent(event).certificateArn).toBe(ARN);
  });

  it("ignores a failed ImportCertificate call without treating it as bad input", () => {
    const event = fixture("cloudtrail-import-certificate");
    event.detail.errorCode = "ValidationException";
    event.detail.responseElements = null;
    expect(parseCertRotationEvent(event).ignoreReason).toMatch(/failed \(ValidationException\)/);
  });

  it.each([
    {
      row: "no resources",
      mutate: (e: Record<string, unknown>) => ({ ...e, resources: [] }),
      error: /resources/,
    },
    {
      row: "two resources",
      mutate: (e: Record<string, unknown>) => ({ ...e, resources: [ARN, ARN] }),
      error: /resources/,
    },
    {
      row: "a non-ACM resource",
      mutate: (e: Record<string, unknown>) => ({ ...e, resources: ["arn:aws:s3:::bucket"] }),
      error: /must be an ACM certificate ARN/,
    },
    {
      row: "another source",
      mutate: (e: Record<string, unknown>) => ({ ...e, source: "aws.health" }),
      error: /source/,
    },
    {
      row: "an unknown detail-type",
      mutate: (e: Record<string, unknown>) => ({
        ...e,
        "detail-type": "ACM Certificate Renewal Action Required",
      }),
      error: /detail-type/,
    },
    {
      row: "a bad time",
      mutate: (e: Record<string, unknown>) => ({ ...e, time: "yesterday" }),
      error: /time/,
    },
    { row: "a string", mutate: () => "ACM Certificate Available", error: /expected object/ },
  ])("rejects an ACM event with $row", ({ mutate, error }) => {
    expect(() => parseCertRotationEvent(mutate(fixture("acm-certificate-available")))).toThrow(error);
  });

  it("rejects CloudTrail records of other ACM calls", () => {
    const event = fixture("cloudtrail-import-certificate");
    event.detail.eventName = "DeleteCertificate";
    expect(() => parseCertRotationEvent(event)).toThrow(/InvalidEventError|eventName/);
  });
});
