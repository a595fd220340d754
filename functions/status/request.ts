import * as z from "zod/mini";
import "../../shared/runtime/event-schema";
import { InvalidEventError } from "../../shared/errors";
import type { StatusQuery } from "../../shared/status/domain/types";

/**
 * The status function's payload: `{}` for the whole stage, or one automation (and one of its targets).
 *
 * @example {} ; { "automation": "flow-control" } ; { "automation": "origin-balancer", "target": "images" }
 */
const statusRequestSchema = z
  .strictObject({
    automation: z.optional(z.enum(["origin-balancer", "flow-control", "cert-rotation", "canary"])),
    target: z.optional(
      z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and dashes")),
    ),
  })
  .check(
    z.refine((q) => q.target === undefined || q.automation !== undefined, {
      message: "a target needs its automation",
      path: ["target"],
    }),
  );

/** A manual invoke with no payload arrives as null or {}: both mean the whole stage. */
export function parseStatusRequest(event: unknown): StatusQuery {
  const result = statusRequestSchema.safeParse(event ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(payload)"}: ${issue.message}`,
  );
  throw new InvalidEventError(`invalid status request: ${problems.join("; ")}`);
}
