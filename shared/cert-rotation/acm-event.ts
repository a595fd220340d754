import * as z from "zod/mini";
import type { SchemaProblems } from "../runtime/event-schema";
import "../runtime/event-schema";
import { InvalidEventError } from "../errors";
import type { Trigger } from "../kernel/domain/decision";
import { parseScheduleEvent } from "../runtime/schedule-event";

/** What started a certificate rotation run. Every trigger runs the same reconciliation. */
export interface CertRotationTrigger {
  trigger: Trigger;
  /** The certificate a certificate event is about. */
  certificateArn?: string;
  /** A well-formed event that cannot concern any pair (a failed ImportCertificate call). */
  ignoreReason?: string;
  /** Only these pairs (an operator's rotate-now names one); absent = every configured pair. */
  pairs?: string[];
}

/** A direct invocation by the override function: `{ "rotateNow": { "pair", "author", "reason" } }`. */
const rotateNowEvent = z.strictObject({
  rotateNow: z.strictObject({
    pair: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
    author: z.string().check(z.minLength(1), z.maxLength(64)),
    reason: z.string().check(z.minLength(1), z.maxLength(500)),
  }),
});

const certificateArn = z
  .string()
  .check(
    z.regex(
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      "must be an ACM certificate ARN",
    ),
  );

const envelope = z.object({
  version: z.literal("0"),
  id: z.string().check(z.minLength(1)),
  "detail-type": z.string(),
  source: z.string(),
  account: z.string().check(z.regex(/^\d{12}$/)),
  time: z.iso.datetime(),
  region: z.string().check(z.minLength(1)),
  resources: z.array(z.string()),
  detail: z.record(z.string(), z.unknown()),
});

/** "ACM Certificate Available" and "ACM Certificate Approaching Expiration", sent by ACM itself. */
const acmEvent = z.extend(envelope, {
  "detail-type": z.enum(["ACM Certificate Available", "ACM Certificate Approaching Expiration"]),
  source: z.literal("aws.acm"),
  resources: z.tuple([certificateArn]),
  detail: z.looseObject({
    CommonName: z.optional(z.string()),
    DaysToExpiry: z.optional(z.int()),
  }),
});

/** The CloudTrail record of an ImportCertificate call (imports and re-imports), through EventBridge. */
const importEvent = z.extend(envelope, {
  "detail-type": z.literal("AWS API Call via CloudTrail"),
  source: z.literal("aws.acm"),
  detail: z.looseObject({
    eventSource: z.literal("acm.amazonaws.com"),
    eventName: z.literal("ImportCertificate"),
    errorCode: z.optional(z.string()),
    requestParameters: z.nullish(z.looseObject({ certificateArn: z.optional(certificateArn) })),
    responseElements: z.nullish(z.looseObject({ certificateArn: z.optional(certificateArn) })),
  }),
});

/**
 * Parses any event the cert-rotation function is subscribed to; anything else (or a malformed one) is
 * an InvalidEventError naming the problem, raised before any AWS call.
 */
export function parseCertRotationEvent(
  event: unknown,
  now: () => Date = () => new Date(),
): CertRotationTrigger {
  if (typeof event === "object" && event !== null && "rotateNow" in event) {
    const { rotateNow } = parseWith(rotateNowEvent, event, "rotate-now command");
    return {
      trigger: {
        kind: "manual",
        source: `rotate-now by ${rotateNow.author}: ${rotateNow.reason}`,
        at: now().toISOString(),
      },
      pairs: [rotateNow.pair],
    };
  }
  const detailType = (event as { "detail-type"?: unknown } | null)?.["detail-type"];
  if (detailType === "Scheduled Event") return { trigger: parseScheduleEvent(event) };
  if (detailType === "AWS API Call via CloudTrail") {
    const data = parseWith(importEvent, event, "CloudTrail ImportCertificate event");
    const trigger: Trigger = {
      kind: "certificate-event",
      source: `ImportCertificate ${data.id}`,
      at: data.time,
    };
    if (data.detail.errorCode !== undefined) {
      return { trigger, ignoreReason: `the ImportCertificate call failed (${data.detail.errorCode})` };
    }
    // A re-import names the ARN in the request; a first import gets it in the response.
    const arn = data.detail.responseElements?.certificateArn ?? data.detail.requestParameters?.certificateArn;
    if (arn === undefined) throw new InvalidEventError("ImportCertificate event names no certificate ARN");
    return { trigger, certificateArn: arn };
  }
  const data = parseWith(acmEvent, event, "ACM certificate event");
  return {
    trigger: { kind: "certificate-event", source: `${data["detail-type"]} ${data.id}`, at: data.time },
    certificateArn: data.resources[0],
  };
}

function parseWith<T extends z.ZodMiniType>(schema: T, event: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(event);
  if (!result.success) {
    const problems = (result.error as SchemaProblems).issues
      .map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`)
      .join("; ");
    throw new InvalidEventError(`not a valid ${what}: ${problems}`);
  }
  return result.data;
}
