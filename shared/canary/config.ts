import { z } from "zod";
import { modeSchema, scheduleSchema } from "../config/common";

const elbArn = (resource: string, example: string) =>
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:${resource}$`),
      `must be an ALB ${example} ARN`,
    );

/** arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee */
const listenerRuleArn = elbArn("listener-rule/app/[\\w-]+/[0-9a-f]+/[0-9a-f]+/[0-9a-f]+", "listener rule");
/** arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2 */
const listenerArn = elbArn("listener/app/[\\w-]+/[0-9a-f]+/[0-9a-f]+", "listener");
/** arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-stable/73e2d6bc24d8a067 */
const targetGroupArn = elbArn("targetgroup/[\\w-]+/[0-9a-f]+", "target group");

/** ALB weights are integers 0–999, so a share is exact to 0.1%: 1% is weights 990/10. */
const percent = z
  .number()
  .gt(0)
  .lte(100)
  .refine(
    (p) => Math.abs(p * 10 - Math.round(p * 10)) < 1e-9,
    "must be a multiple of 0.1 (ALB weights 0–999)",
  );

const bakeMinutes = z.number().int().min(1).max(10_080);

const stepSchema = z.union([percent, z.strictObject({ percent, bakeMinutes: bakeMinutes.optional() })]);

export const canarySchema = z
  .strictObject({
    /** Short name used in state parameters, commands, logs and Slack. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and dashes"),
    /** The listener rule whose forward action splits traffic... */
    listenerRuleArn: listenerRuleArn.optional(),
    /** ...or the listener whose DEFAULT action does (exactly one of the two). */
    listenerArn: listenerArn.optional(),
    stableTargetGroupArn: targetGroupArn,
    canaryTargetGroupArn: targetGroupArn,
    /** Canary share per step, ascending, ending at 100; a step may carry its own bakeMinutes. */
    steps: z.array(stepSchema).min(1).max(50).default([1, 5, 25, 50, 100]),
    /** Bake time of a step that does not name its own. */
    bakeMinutes: bakeMinutes.default(10),
    /**
     * CloudWatch alarm names gating every step (5xx rate, latency...). INSUFFICIENT_DATA holds the canary,
     * so alarms on sparse count metrics should set TreatMissingData: notBreaching. Metric alarms: the
     * function's IAM policy reads only these alarm ARNs, and AWS shows composite alarms only to "*".
     */
    gateAlarms: z.array(z.string().min(1).max(255)).min(1).max(100),
    /** Never advance while the canary group has fewer healthy targets than this. */
    minHealthyTargets: z.number().int().min(1).max(1000).default(1),
    /** Target-group stickiness while the canary runs (ALB: 1–604,800 s); 0 = off. Rollback turns it off. */
    stickinessSeconds: z.number().int().min(0).max(604_800).default(86_400),
    /** Overrides the section's mode for this canary. */
    mode: modeSchema.optional(),
  })
  .superRefine((canary, ctx) => {
    if ((canary.listenerRuleArn === undefined) === (canary.listenerArn === undefined)) {
      ctx.addIssue({
        code: "custom",
        message:
          "name exactly one of listenerRuleArn (a rule) or listenerArn (the listener's default action)",
        path: ["listenerRuleArn"],
      });
    }
    if (canary.stableTargetGroupArn === canary.canaryTargetGroupArn) {
      ctx.addIssue({
        code: "custom",
        message: "the canary group must differ from the stable group",
        path: ["canaryTargetGroupArn"],
      });
    }
    const percents = canary.steps.map((s) => (typeof s === "number" ? s : s.percent));
    percents.forEach((p, index) => {
      const previous = percents[index - 1];
      if (previous !== undefined && p <= previous) {
        ctx.addIssue({ code: "custom", message: "steps must be strictly ascending", path: ["steps", index] });
      }
    });
    if (percents.at(-1) !== 100) {
      ctx.addIssue({
        code: "custom",
        message: "the last step must be 100 (the canary completes at 100%)",
        path: ["steps", percents.length - 1],
      });
    }
    if (new Set(canary.gateAlarms).size !== canary.gateAlarms.length) {
      ctx.addIssue({ code: "custom", message: "gate alarm names must be unique", path: ["gateAlarms"] });
    }
  })
  .transform(({ steps, ...canary }) => ({
    ...canary,
    steps: steps.map((s) =>
      typeof s === "number"
        ? { percent: s, bakeMinutes: canary.bakeMinutes }
        : { percent: s.percent, bakeMinutes: s.bakeMinutes ?? canary.bakeMinutes },
    ),
  }));

export const canarySectionSchema = z
  .strictObject({
    mode: modeSchema.default("auto"),
    schedule: scheduleSchema.default("rate(1 minute)"),
    /**
     * The SNS topic the gate alarms notify (AlarmActions, OKActions, InsufficientDataActions): each
     * notification triggers an immediate evaluation of the canaries that alarm gates.
     */
    alarmTopicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, "must be an SNS topic ARN")
      .optional(),
    canaries: z.array(canarySchema).min(1),
  })
  .superRefine((section, ctx) => {
    const names = section.canaries.map((c) => c.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) {
        ctx.addIssue({
          code: "custom",
          message: `canary name "${name}" is used twice`,
          path: ["canaries", index, "name"],
        });
      }
    });
    // Two canaries steering one rule would fight over its weights.
    const refs = section.canaries.map((c) => c.listenerRuleArn ?? c.listenerArn);
    refs.forEach((ref, index) => {
      if (ref !== undefined && refs.indexOf(ref) !== index) {
        ctx.addIssue({
          code: "custom",
          message: "another canary already steers this rule/listener",
          path: [
            "canaries",
            index,
            section.canaries[index]?.listenerRuleArn ? "listenerRuleArn" : "listenerArn",
          ],
        });
      }
    });
  });

export type CanaryConfig = z.infer<typeof canarySchema>;
export type CanarySectionConfig = z.infer<typeof canarySectionSchema>;
