import * as z from "zod/mini";
import "../runtime/event-schema";
import { InvalidOverrideError } from "../errors";
import { MAX_ADMIT_RATE } from "../flow-control/domain/intent";

/**
 * The override function's payload, as `serverless invoke -f override --data '{...}'` or `autopilot override`
 * sends it. Checked here before anything is read or written; the workflow then checks the names against
 * the stage (pool, fleet, pair, canary, plan) and the expiry against the stage's cap.
 *
 * @example { "action": "pin", "pool": "images", "weights": { "primary": 128, "elastic": 127 },
 *            "author": "alice", "reason": "INC-42 primary origin degraded", "expiresInMinutes": 120 }
 */
const name = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and dashes"));
/**
 * Who asks and why, as every operator command carries them: overrides, and the canary commands the
 * override function hands on (functions/canary/events.ts reuses these). Bounded: they reach Slack,
 * the decision log and stored records.
 */
export const authorSchema = z.string().check(z.trim(), z.minLength(1, "author is required"), z.maxLength(64));
export const reasonSchema = z
  .string()
  .check(z.trim(), z.minLength(1, "reason is required"), z.maxLength(500));
const who = { author: authorSchema, reason: reasonSchema };
/** One of the two, so a typed deadline and a relative one can both be given from a terminal. */
const expiry = {
  expiresInMinutes: z.optional(z.int().check(z.positive())),
  expiresAt: z.optional(z.iso.datetime({ offset: true })),
};
/** Replacing an active override set by someone else must be said explicitly. */
const replace = { replace: z.optional(z.boolean()) };
const automation = z.enum(["origin-balancer", "flow-control", "cert-rotation", "canary", "all"]);

const pin = z.strictObject({
  action: z.literal("pin"),
  pool: name,
  weights: z.record(z.string().check(z.minLength(1)), z.int().check(z.gte(0), z.lte(255))).check(
    z.refine((w) => Object.keys(w).length > 0, "weights must name at least one origin"),
    z.refine((w) => Object.values(w).some((v) => v > 0), "at least one weight must be above 0"),
  ),
  ...who,
  ...expiry,
  ...replace,
});
const pause = z.strictObject({
  action: z.literal("pause"),
  automation,
  /** A pool, fleet, pair or canary name; omitted = every target of the automation. */
  target: z.optional(name),
  ...who,
  ...expiry,
  ...replace,
});
const force = z.strictObject({
  action: z.literal("force"),
  fleet: name,
  mode: z.enum(["open", "closed", "admitting"]),
  // flowctl's own limit: a higher rate would be stored, then refused by every instance on every run.
  admitRate: z.optional(
    z
      .int()
      .check(
        z.positive(),
        z.lte(MAX_ADMIT_RATE, `flowctl admits at most ${MAX_ADMIT_RATE} new users per second`),
      ),
  ),
  ...who,
  ...expiry,
  ...replace,
});
const resume = z.strictObject({ action: z.literal("resume"), automation, target: z.optional(name), ...who });
const clear = z.strictObject({
  action: z.literal("clear"),
  automation,
  target: z.optional(name),
  ...who,
});
const canary = z.strictObject({
  action: z.literal("canary"),
  command: z.enum(["start", "promote", "abort", "pause", "resume"]),
  canary: name,
  ...who,
  ...expiry,
});
const rotateNow = z.strictObject({ action: z.literal("rotate-now"), pair: name, ...who });
const decide = (action: "approve" | "reject") =>
  z.strictObject({
    action: z.literal(action),
    planId: z.string().check(z.regex(/^plan-[a-z0-9-]{4,80}$/)),
    ...who,
  });

export const overrideRequestSchema = z
  .discriminatedUnion("action", [
    pin,
    pause,
    force,
    resume,
    clear,
    canary,
    rotateNow,
    decide("approve"),
    decide("reject"),
  ])
  .check(
    z.superRefine((request, ctx) => {
      const needsExpiry =
        request.action === "pin" ||
        request.action === "pause" ||
        request.action === "force" ||
        (request.action === "canary" && (request.command === "pause" || request.command === "promote"));
      if (!needsExpiry) return;
      const given = request as { expiresInMinutes?: number; expiresAt?: string };
      if ((given.expiresInMinutes === undefined) === (given.expiresAt === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: ["expiresInMinutes"],
          message: "an expiry is required: give exactly one of expiresInMinutes or expiresAt",
        });
      }
      if (request.action === "force") {
        if (request.mode === "admitting" && request.admitRate === undefined) {
          ctx.addIssue({ code: "custom", path: ["admitRate"], message: "mode admitting needs an admitRate" });
        }
        if (request.mode !== "admitting" && request.admitRate !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["admitRate"],
            message: "admitRate only goes with mode admitting",
          });
        }
      }
    }),
  );

export type OverrideRequest = z.infer<typeof overrideRequestSchema>;

/** Parses a payload; every problem is named with its path. */
export function parseOverrideRequest(event: unknown): OverrideRequest {
  const result = overrideRequestSchema.safeParse(event);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(payload)"}: ${issue.message}`,
  );
  throw new InvalidOverrideError(`invalid override: ${problems.join("; ")}`);
}
