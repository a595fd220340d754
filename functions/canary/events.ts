import * as z from "zod/mini";
import type { CanaryCommand } from "../../shared/canary/domain/commands";
import "../../shared/runtime/event-schema";
import { InvalidEventError } from "../../shared/errors";
import type { Trigger } from "../../shared/kernel/domain/decision";
import { authorSchema, reasonSchema } from "../../shared/overrides/override-request";
import {
  type AlarmNotification,
  looksLikeSnsEvent,
  parseAlarmNotifications,
} from "../../shared/runtime/alarm-notification";
import { parseScheduleEvent } from "../../shared/runtime/schedule-event";

/** The three ways the canary function is woken up. */
export type CanaryEvent =
  | { kind: "schedule"; trigger: Trigger }
  | { kind: "alarm"; notifications: AlarmNotification[] }
  | { kind: "command"; command: CanaryCommand };

/** The same author and reason limits as every override (64 and 500 characters). */
const who = { canary: z.string().check(z.minLength(1)), author: authorSchema, reason: reasonSchema };

/** Every override expires within 72 h (the cap the override function also enforces per stage). */
const MAX_EXPIRY_MS = 72 * 3_600_000;
const expiry = z.iso
  .datetime({ offset: true })
  .check(z.refine((at) => Date.parse(at) <= Date.now() + MAX_EXPIRY_MS, "must be at most 72 h from now"));

/** A direct invocation by the operator's override function: `{ "canaryCommand": { ... } }`. */
const commandSchema = z.strictObject({
  canaryCommand: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("start"), ...who }),
    z.strictObject({ kind: z.literal("promote"), ...who, expiresAt: expiry }),
    z.strictObject({ kind: z.literal("abort"), ...who }),
    z.strictObject({ kind: z.literal("pause"), ...who, expiresAt: expiry }),
    z.strictObject({ kind: z.literal("resume"), ...who }),
  ]),
});

/** Validates the event before anything else happens: a malformed event must not reach AWS. */
export function parseCanaryEvent(event: unknown): CanaryEvent {
  if (looksLikeSnsEvent(event)) return { kind: "alarm", notifications: parseAlarmNotifications(event) };
  if (typeof event === "object" && event !== null && "canaryCommand" in event) {
    const result = commandSchema.safeParse(event);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new InvalidEventError(`invalid canary command: ${problems}`);
    }
    return { kind: "command", command: result.data.canaryCommand };
  }
  return { kind: "schedule", trigger: parseScheduleEvent(event) };
}
