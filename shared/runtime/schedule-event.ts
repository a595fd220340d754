import * as z from "zod/mini";
import "./event-schema";
import { InvalidEventError } from "../errors";
import type { Trigger } from "../kernel/domain/decision";

/** EventBridge "Scheduled Event" as AWS delivers it to a Lambda target. */
const scheduledEventSchema = z.object({
  version: z.literal("0"),
  id: z.string().check(z.minLength(1)),
  "detail-type": z.literal("Scheduled Event"),
  source: z.literal("aws.events"),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.record(z.string(), z.unknown()),
});

/** Parses a schedule trigger; anything else is an InvalidEventError naming what is wrong. */
export function parseScheduleEvent(event: unknown): Trigger {
  const result = scheduledEventSchema.safeParse(event);
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`)
      .join("; ");
    throw new InvalidEventError(`not an EventBridge Scheduled Event: ${problems}`);
  }
  return { kind: "schedule", source: result.data.resources[0] ?? result.data.id, at: result.data.time };
}
