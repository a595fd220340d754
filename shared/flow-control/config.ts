import { z } from "zod";
import { modeSchema, scheduleSchema } from "../config/common";
import { MAX_ADMIT_RATE, parseIntent } from "./domain/intent";
import type { FlowIntent } from "./domain/types";

/** "open", "close" or "admit N": the same words as flowctl and the SSM document's action parameter. */
const intentSchema = z.string().transform((text, ctx): FlowIntent => {
  const intent = parseIntent(text);
  if (intent === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `must be "open", "close" or "admit N" (N = 1..${MAX_ADMIT_RATE} new users per second), got "${text}"`,
    });
    return z.NEVER;
  }
  return intent;
});

const alarmMappingSchema = z
  .strictObject({
    /** The CloudWatch alarm name exactly as it appears in the notification's AlarmName. */
    alarmName: z.string().min(1).max(255),
    onAlarm: intentSchema.optional(),
    onOk: intentSchema.optional(),
  })
  .refine((m) => m.onAlarm !== undefined || m.onOk !== undefined, {
    message: "give onAlarm and/or onOk, otherwise the alarm means nothing for the fleet",
  });

export const fleetSchema = z
  .strictObject({
    /** Short name used in state parameters, logs and Slack. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and dashes"),
    /**
     * The EC2 tag that makes an instance part of the fleet. The IAM policy allows SendCommand only on
     * instances carrying it (condition ssm:resourceTag/<key>).
     */
    tag: z.strictObject({
      key: z
        .string()
        .regex(/^[\w.:/=+\-@ ]{1,128}$/, "must be an EC2 tag key")
        .refine((k) => !k.startsWith("aws:"), {
          message: "aws: tag keys are reserved",
        }),
      value: z.string().regex(/^[\w.:/=+\-@ ]{1,256}$/, "must be an EC2 tag value"),
    }),
    /**
     * A relaxation (close -> admit, anything -> open) waits until the fleet has been engaged this long, so a
     * flapping alarm cannot open and close the gate every minute.
     */
    minEngagedMinutes: z.number().int().min(0).max(1440).default(10),
    /**
     * Two-alarm setup: { alarmName: engage, onAlarm: close } + { alarmName: release, onAlarm: open }.
     * One-alarm setup: { alarmName: x, onAlarm: close, onOk: open }. Graded: { onAlarm: "admit 50" }.
     */
    alarms: z.array(alarmMappingSchema).min(1),
  })
  .superRefine((fleet, ctx) => {
    const names = fleet.alarms.map((a) => a.alarmName);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) {
        ctx.addIssue({
          code: "custom",
          message: `alarm ${name} is listed twice`,
          path: ["alarms", index, "alarmName"],
        });
      }
    });
    const intents = fleet.alarms.flatMap((a) => [a.onAlarm, a.onOk]).filter((i) => i !== undefined);
    if (intents.some((i) => i.mode !== "open") && !intents.some((i) => i.mode === "open")) {
      // Without a way back to open, an engaged fleet would stay closed until a human steps in.
      ctx.addIssue({
        code: "custom",
        message: "no alarm state opens the fleet again: add onOk: open or a release alarm",
        path: ["alarms"],
      });
    }
  });

/** SendCommand's MaxConcurrency / MaxErrors syntax (a count or a percentage). */
const maxConcurrencySchema = z
  .string()
  .regex(/^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/, "must be a number like 50 or a percentage like 10%");
const maxErrorsSchema = z
  .string()
  .regex(/^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/, "must be a number like 0 or a percentage like 10%");

const commandsSchema = z.strictObject({
  maxConcurrency: maxConcurrencySchema.default("50"),
  /**
   * 100% by default: flowctl validates and rolls back on each instance, so a failing instance cannot harm
   * the others, and stopping the rollout early would leave healthy instances unprotected in an overload.
   */
  maxErrors: maxErrorsSchema.default("100%"),
  /** SendCommand TimeoutSeconds: how long SSM waits for an offline agent (30 s is SSM's minimum). */
  deliveryTimeoutSeconds: z.number().int().min(30).max(2_592_000).default(30),
  /** Between two ListCommandInvocations polls. */
  pollIntervalMs: z.number().int().min(10).max(30_000).default(2_000),
});

export const flowControlSchema = z
  .strictObject({
    mode: modeSchema.exclude(["plan"]).default("auto"),
    /**
     * The SNS topic(s) the mapped alarms notify (AlarmActions/OKActions/InsufficientDataActions): the
     * function is subscribed to each. Alarms on these topics that no fleet maps are reported, not acted on.
     */
    alarmTopicArns: z
      .array(
        z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, "must be an SNS topic ARN"),
      )
      .min(1),
    /** Our own Command document (infra/ssm-documents/flow-control.yml): the IAM policy allows only it. */
    documentName: z.string().regex(/^[a-zA-Z0-9_\-.]{3,128}$/, "must be an SSM document name"),
    /** The scheduled converge run: applies held releases and re-sends the intent to instances that missed it. */
    convergeSchedule: scheduleSchema.default("rate(5 minutes)"),
    commands: commandsSchema.default(commandsSchema.parse({})),
    fleets: z.array(fleetSchema).min(1),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.fleets.forEach((fleet, index) => {
      const tag = `${fleet.tag.key}=${fleet.tag.value}`;
      if (config.fleets.findIndex((f) => f.name === fleet.name) !== index) {
        ctx.addIssue({
          code: "custom",
          message: `fleet name ${fleet.name} is used twice`,
          path: ["fleets", index, "name"],
        });
      }
      const first = seen.get(tag);
      if (first !== undefined) {
        // Two fleets on one tag would fight over the same instances.
        ctx.addIssue({
          code: "custom",
          message: `tag ${tag} is already fleet ${first}'s`,
          path: ["fleets", index, "tag"],
        });
      } else seen.set(tag, index);
    });
  });

export type FleetConfig = z.infer<typeof fleetSchema>;
export type FlowControlConfig = z.infer<typeof flowControlSchema>;

// Kept in its own file so the functions can use it without evaluating the schemas above.
