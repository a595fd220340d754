import { z } from "zod";
import { dnsNameSchema, hostedZoneIdSchema, modeSchema, scheduleSchema } from "../config/common";

const utilisation = z.number().gt(0).lte(1);

/** Fraction of a bounded origin's capacity the fill aims at, unless an origin says otherwise. */
export const DEFAULT_TARGET_UTILISATION = 0.85;

/**
 * A CloudWatch metric that counts what this origin really serves, per minute (e.g. AWS/ApplicationELB
 * RequestCount, Sum, of its load balancer or target group). Read in the same GetMetricData call as
 * CloudFront's series, so it must be readable in us-east-1.
 */
export const observedMetricSchema = z.strictObject({
  namespace: z.string().min(1).max(255),
  metricName: z.string().min(1).max(255),
  dimensions: z
    .array(z.strictObject({ name: z.string().min(1).max(255), value: z.string().min(1).max(1024) }))
    .max(30)
    .default([]),
  // A count of requests: Sum is what matches the formula's requests per minute.
  statistic: z
    .string()
    .regex(/^(Sum|Average|Maximum|Minimum|SampleCount|p\d{1,2}(\.\d+)?)$/, "a CloudWatch statistic")
    .default("Sum"),
});

const originSchema = z.strictObject({
  setIdentifier: z.string().min(1).max(128),
  /** Origin requests per minute; omit for the elastic origin (last only). */
  capacity: z.number().int().positive().optional(),
  targetUtilisation: utilisation.default(DEFAULT_TARGET_UTILISATION),
  observedMetric: observedMetricSchema.optional(),
});

/** How the formula is corrected by the observed metrics (used only when an origin has one). */
export const calibrationSchema = z.strictObject({
  minFactor: z.number().gt(0).max(1).default(0.5),
  maxFactor: z.number().min(1).max(10).default(2),
  smoothingMinutes: z.number().min(1).max(240).default(10),
  announceStep: z.number().gt(0).max(1).default(0.05),
  /** How late the observed metric's minutes are complete (ALB: 1-2 minutes). */
  metricDelayMinutes: z.number().int().min(0).max(15).default(2),
});

/** Defaults chosen on the four backtest traces and explained in the README's policy section. */
export const balancerPolicySchema = z.strictObject({
  engageUtilisation: utilisation.default(0.95),
  releaseAfterMinutes: z.number().int().min(1).max(1440).default(30),
  releaseStepUtilisation: utilisation.default(0.25),
  cooldownMinutes: z.number().int().min(0).max(1440).default(5),
  maxChangesPerHour: z.number().int().min(1).max(60).default(6),
  reversalGuardMinutes: z.number().int().min(0).max(1440).default(15),
  deadBandShare: z.number().min(0).max(0.5).default(0.05),
  minWeight: z.number().int().min(0).max(50).default(1),
  forecastHorizonMinutes: z.number().min(0).max(60).default(5),
  noiseMargin: z.number().min(0).max(5).default(1),
});

export const metricsSchema = z
  .strictObject({
    windowMinutes: z.number().int().min(3).max(60).default(60),
    settleMinutes: z.number().int().min(0).max(10).default(2),
    minDatapoints: z.number().int().min(1).max(60).default(5),
  })
  .refine((m) => m.minDatapoints <= m.windowMinutes, {
    message: "minDatapoints cannot exceed windowMinutes",
    path: ["minDatapoints"],
  });

export const poolSchema = z
  .strictObject({
    /** Short name used in state parameters, logs and Slack. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and dashes"),
    /** This pool's mode, when it differs from the section's (e.g. one pool in plan mode while trusted). */
    mode: modeSchema.optional(),
    record: z.strictObject({
      hostedZoneId: hostedZoneIdSchema,
      name: dnsNameSchema,
      type: z.enum(["A", "AAAA", "CNAME"]),
    }),
    /** CloudFront distributions whose cache misses reach these origins; their loads add up. */
    distributions: z
      .array(z.string().regex(/^E[A-Z0-9]{5,20}$/, "must be a CloudFront distribution id"))
      .min(1),
    metrics: metricsSchema.default(metricsSchema.parse({})),
    /** Cost order: cheapest first. */
    origins: z.array(originSchema).min(2),
    calibration: calibrationSchema.default(calibrationSchema.parse({})),
    policy: balancerPolicySchema.default(balancerPolicySchema.parse({})),
  })
  .superRefine((pool, ctx) => {
    pool.origins.forEach((origin, index) => {
      if (origin.capacity === undefined && index !== pool.origins.length - 1) {
        ctx.addIssue({
          code: "custom",
          message: "only the last (costliest) origin may omit capacity",
          path: ["origins", index, "capacity"],
        });
      }
    });
    const ids = pool.origins.map((o) => o.setIdentifier);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: "custom", message: "setIdentifier values must be unique", path: ["origins"] });
    }
  });

export const originBalancerSchema = z.strictObject({
  mode: modeSchema.default("auto"),
  /** How long a stored plan (mode plan) can be approved; load moves fast, so minutes, not hours. */
  planExpiryMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  schedule: scheduleSchema.default("rate(1 minute)"),
  pools: z.array(poolSchema).min(1),
});

export type PoolConfig = z.infer<typeof poolSchema>;
export type OriginBalancerConfig = z.infer<typeof originBalancerSchema>;
