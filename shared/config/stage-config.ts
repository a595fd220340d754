import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InvalidConfigError } from "../errors";
import { originBalancerSchema } from "./balancer-config";
import { canarySectionSchema } from "./canary-config";
import { certRotationSchema } from "./cert-rotation-config";
import { ssmParameterNameSchema } from "./common";
import { flowControlSchema } from "./flow-control-config";
import { overridesSchema } from "./overrides-config";
import { slackChatopsSchema } from "./slack-chatops-config";

const slackSchema = z.strictObject({
  channel: z.string().min(1),
  /** SSM SecureString holding the bot token; read once per cold start, never logged. */
  tokenParameter: ssmParameterNameSchema,
  /** One request's budget: a Slack outage must not hold an action for long. */
  timeoutMs: z.number().int().min(100).max(10_000).default(3_000),
});

export const stageConfigSchema = z.strictObject({
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "lower-case letters, digits and dashes"),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region like eu-west-1"),
  /** Where state, overrides and Slack thread ids live in SSM Parameter Store. */
  parameterPrefix: ssmParameterNameSchema,
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
 * them; unknown keys are errors because a typo must never silently fall back to a default.
 */
export function parseStageConfig(text: string, source: string): StageConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new InvalidConfigError(source, [`not valid YAML: ${(error as Error).message}`]);
  }
  const result = stageConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new InvalidConfigError(
      source,
      result.error.issues.map(
        (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`,
      ),
    );
  }
  return result.data;
}
