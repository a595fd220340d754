import { z } from "zod";

/**
 * Limits on operator overrides. Every override must expire (a forgotten pin must not outlive the incident,
 * as Route 53 ARC caps zonal shifts at 72 hours); the cap may be lowered per stage, never raised past 72 h.
 */
export const overridesSchema = z.strictObject({
  maxHours: z.number().positive().max(72).default(72),
});

export type OverridesConfig = z.infer<typeof overridesSchema>;
