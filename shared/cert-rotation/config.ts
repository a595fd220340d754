import { z } from "zod";
import { dnsNameSchema, hostedZoneIdSchema, modeSchema, scheduleSchema } from "../config/common";

/**
 * Key algorithms an ALB HTTPS listener accepts (RSA 2048/3072/4096 and every ECDSA curve ACM holds;
 * not RSA 1024). ListCertificates returns only RSA_2048 unless asked for other types, so the adapter
 * always asks for every ACM type and the policy says why a certificate with another key is refused.
 */
export const ALB_KEY_TYPES = [
  "RSA_2048",
  "RSA_3072",
  "RSA_4096",
  "EC_prime256v1",
  "EC_secp384r1",
  "EC_secp521r1",
] as const;

const tagSchema = z.strictObject({
  key: z.string().min(1).max(128),
  value: z.string().min(1).max(256),
});

const albNameSchema = z
  .string()
  .regex(
    /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/,
    "must be an ALB name (1-32 letters, digits, dashes)",
  );

const recordSchema = z
  .strictObject({
    hostedZoneId: hostedZoneIdSchema,
    name: dnsNameSchema,
    /** An alias A record, A and AAAA aliases of a dual-stack ALB (switched in one batch), or a CNAME. */
    types: z
      .array(z.enum(["A", "AAAA", "CNAME"]))
      .min(1)
      .max(2),
  })
  .superRefine((record, ctx) => {
    if (new Set(record.types).size !== record.types.length) {
      ctx.addIssue({ code: "custom", message: "types must not repeat", path: ["types"] });
    }
    if (record.types.includes("CNAME") && record.types.length > 1) {
      ctx.addIssue({ code: "custom", message: "a CNAME cannot coexist with other types", path: ["types"] });
    }
  });

const selectionSchema = z
  .strictObject({
    /**
     * Hostnames the listener serves. A candidate must cover every one (wildcards match one label).
     * Without it, the candidate must cover every name of the certificate in service now.
     */
    domains: z.array(dnsNameSchema).min(1).max(100).optional(),
    /** Only certificates carrying this ACM tag are candidates. */
    tag: tagSchema.optional(),
  })
  .refine((s) => s.domains !== undefined || s.tag !== undefined, {
    message: "name the candidate certificates by domains, by tag, or both",
  });

export const certPairSchema = z.strictObject({
  /** Short name used in state parameters, logs and Slack. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and dashes"),
  /** Both ALBs of the pair carry this tag. */
  pairTag: tagSchema,
  /** The tag whose value (blue | green) says which ALB serves. */
  colorTagKey: z.string().min(1).max(128).default("DeploymentColor"),
  /**
   * The two ALB names, when known: discovery must find exactly these, and the IAM policy names their
   * ARNs instead of relying on tag conditions alone.
   */
  loadBalancerNames: z.array(albNameSchema).length(2).optional(),
  listenerPort: z.number().int().min(1).max(65535).default(443),
  record: recordSchema,
  certificates: selectionSchema,
});

export const certRotationSchema = z
  .strictObject({
    mode: modeSchema.default("auto"),
    /** Safety-net run: ACM delivers its events on a best-effort basis. */
    schedule: scheduleSchema.default("rate(1 day)"),
    /** Alert when the serving certificate expires within this many days and no candidate exists. */
    alertDaysBeforeExpiry: z.number().int().min(1).max(365).default(30),
    /** ...and call it critical from here on. */
    criticalDaysBeforeExpiry: z.number().int().min(0).max(365).default(7),
    /**
     * Minimum time between two rotations: the ALB that just went idle still carries long-lived
     * WebSocket connections, and giving it a new certificate cuts them. Bypassed near expiry.
     */
    minHoursBetweenRotations: z.number().min(0).max(8760).default(24),
    /** A stored plan (mode plan) can be approved until it is this old. */
    planExpiryHours: z.number().int().min(1).max(720).default(72),
    /** How long one run waits for Route 53 to report INSYNC before reporting PENDING. */
    dnsSyncTimeoutSeconds: z.number().int().min(5).max(600).default(120),
    keyTypes: z
      .array(z.enum(ALB_KEY_TYPES))
      .min(1)
      .default([...ALB_KEY_TYPES]),
    pairs: z.array(certPairSchema).min(1),
  })
  .superRefine((config, ctx) => {
    if (config.criticalDaysBeforeExpiry >= config.alertDaysBeforeExpiry) {
      ctx.addIssue({
        code: "custom",
        message: "criticalDaysBeforeExpiry must be below alertDaysBeforeExpiry",
        path: ["criticalDaysBeforeExpiry"],
      });
    }
    const names = config.pairs.map((p) => p.name);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: "custom", message: "pair names must be unique", path: ["pairs"] });
    }
  });

export type CertPairConfig = z.infer<typeof certPairSchema>;
export type CertRotationConfig = z.infer<typeof certRotationSchema>;
