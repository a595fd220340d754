import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { canarySectionSchema } from "../canary/config";
import { certRotationSchema } from "../cert-rotation/config";
import { InvalidConfigError } from "../errors";
import { flowControlSchema } from "../flow-control/config";
import { originBalancerSchema } from "../origin-balancer/config";
import { overridesSchema } from "../overrides/config";
import { slackChatopsSchema } from "../slack-chatops/config";
import { ssmParameterNameSchema } from "./common";
import { problemLines } from "./config-problems";
import { stageIdentityProblems } from "./stage-identity";

const slackSchema = z.strictObject({
  channel: z.string().min(1),
  /** SSM SecureString holding the bot token; read when first needed (again until readable), never logged. */
  tokenParameter: ssmParameterNameSchema,
  /**
   * The watchdog's own token (SecureString), so that a deleted or broken automation token does not
   * silence the function that reports it. Default: tokenParameter.
   */
  watchdogTokenParameter: ssmParameterNameSchema.optional(),
  /** One request's budget: a Slack outage must not hold an action for long. */
  timeoutMs: z.number().int().min(100).max(10_000).default(3_000),
});

export const stageConfigSchema = z.strictObject({
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "lower-case letters, digits and dashes"),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region like eu-west-1"),
  /** Where state, overrides and Slack thread ids live in SSM Parameter Store. */
  parameterPrefix: ssmParameterNameSchema,
  /** true: the parameterPrefix deliberately does not name the stage (checked in stage-identity.ts). */
  parameterPrefixWithoutStageName: z.boolean().optional(),
  slack: slackSchema,
  overrides: overridesSchema.default({ maxHours: 72 }),
  originBalancer: originBalancerSchema.optional(),
  canary: canarySectionSchema.optional(),
  flowControl: flowControlSchema.optional(),
  certRotation: certRotationSchema.optional(),
  slackChatops: slackChatopsSchema.optional(),
});

export type StageConfig = z.infer<typeof stageConfigSchema>;

/**
 * Parses and validates one stage file. Every problem is listed with its path, so one run shows all of
 * them; unknown keys are errors because a typo must never silently fall back to a default. With
 * `expectedStage` (the stage it is deployed or run as), a file saying another stage is refused.
 */
export function parseStageConfig(
  text: string,
  source: string,
  options: { expectedStage?: string } = {},
): StageConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new InvalidConfigError(source, [`not valid YAML: ${(error as Error).message}`]);
  }
  const result = stageConfigSchema.safeParse(raw);
  const identity = stageIdentityProblems(
    identityOf(result.success ? result.data : raw),
    options.expectedStage,
  );
  if (!result.success) {
    throw new InvalidConfigError(source, [
      ...problemLines(result.error.issues, stageConfigSchema),
      ...identity,
    ]);
  }
  if (identity.length > 0) throw new InvalidConfigError(source, identity);
  return result.data;
}

/** The keys the identity check reads, from a file that may not have passed the schema. */
function identityOf(raw: unknown): Parameters<typeof stageIdentityProblems>[0] {
  const value = (raw ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof value[key] === "string" ? (value[key] as string) : undefined);
  return {
    stage: text("stage") ?? "",
    parameterPrefix: text("parameterPrefix") ?? "",
    parameterPrefixWithoutStageName: value.parameterPrefixWithoutStageName === true,
  };
}
