import { z } from "zod";
import { InvalidConfigError } from "../../shared/errors";
import {
  balancerPolicySchema,
  DEFAULT_TARGET_UTILISATION,
  metricsSchema,
} from "../../shared/origin-balancer/config";
import type { BalancerPolicy, OriginSpec } from "../../shared/origin-balancer/domain/types";

/** Every knob of the balancing policy except the origins it balances. */
export type BalancerPolicyKnobs = Omit<BalancerPolicy, "origins">;

/**
 * The knobs the backtests are scored with: exactly the stage config's defaults, so the backtest scores
 * the policy a deployment runs when it sets nothing.
 */
export const DEFAULT_BALANCER_POLICY_KNOBS: Readonly<BalancerPolicyKnobs> = Object.freeze({
  ...balancerPolicySchema.parse({}),
  minDatapoints: metricsSchema.parse({}).minDatapoints,
});

export { DEFAULT_TARGET_UTILISATION };

/** How the simulator runs unless told otherwise (the seed rule always runs every 5 minutes). */
export const DEFAULT_SIMULATION_OPTIONS = Object.freeze({
  intervalMinutes: 1,
  metricDelayMinutes: 2,
  ttlSeconds: 60,
  windowMinutes: 60,
});

/**
 * The usual pool: a cheap fixed-capacity `primary` origin, then an unbounded `elastic` one.
 * @example twoOriginPolicy(9000) -> origins primary (9,000/min at 85%) + elastic (unbounded), default knobs
 */
export function twoOriginPolicy(
  capacity: number,
  knobs: Partial<BalancerPolicyKnobs> = {},
  targetUtilisation = DEFAULT_TARGET_UTILISATION,
): BalancerPolicy {
  return {
    ...DEFAULT_BALANCER_POLICY_KNOBS,
    ...knobs,
    origins: [
      { setIdentifier: "primary", capacity, targetUtilisation },
      // An unbounded origin takes whatever is left; its target is never read.
      { setIdentifier: "elastic", targetUtilisation: 1 },
    ],
  };
}

const fraction = z.number().gt(0).lte(1);
const minutes = z.number().min(0);

const knobsSchema = z.strictObject({
  engageUtilisation: z.number().gt(0),
  releaseAfterMinutes: minutes,
  releaseStepUtilisation: z.number().gt(0),
  cooldownMinutes: minutes,
  maxChangesPerHour: z.number().int().min(1),
  reversalGuardMinutes: minutes,
  deadBandShare: z.number().min(0).lt(1),
  // Route 53 weights are integers 0..255.
  minWeight: z.number().int().min(0).max(255),
  forecastHorizonMinutes: minutes,
  noiseMargin: z.number().min(0),
  minDatapoints: z.number().int().min(1),
} satisfies Record<keyof BalancerPolicyKnobs, z.ZodType>);

const originSchema = z.strictObject({
  // Route 53 limits a SetIdentifier to 1..128 characters.
  setIdentifier: z.string().min(1).max(128),
  capacity: z.number().gt(0).optional(),
  targetUtilisation: fraction.optional(),
});

/** A backtest config file: the origins in cost order and any knob overrides; unknown keys are errors. */
export const backtestConfigSchema = knobsSchema.partial().extend({
  origins: z.array(originSchema).min(2).optional(),
});

export type BacktestConfig = z.infer<typeof backtestConfigSchema>;

/**
 * Validates a parsed config file and builds the policy. The origins come from the file or, when it has
 * none, from `capacity` (primary + elastic); giving both is ambiguous and rejected.
 * Throws InvalidConfigError listing every bad key with its path.
 *
 * @example { origins: [{setIdentifier: nke, capacity: 9000}, {setIdentifier: gke}], cooldownMinutes: 10 }
 *   -> nke 9,000/min at 85%, gke unbounded, cooldown 10 min, other knobs default
 */
export function policyFromConfig(raw: unknown, source: string, capacity?: number): BalancerPolicy {
  const { origins, ...knobs } = parseConfig(raw, source);
  const problems: string[] = [];
  if (origins !== undefined && capacity !== undefined) {
    problems.push("origins: the file lists origins and --capacity was given too; use one of them");
  }
  if (origins === undefined && capacity === undefined) {
    problems.push("origins: missing (list them here, or pass --capacity for primary + elastic)");
  }
  const policy =
    origins === undefined
      ? twoOriginPolicy(capacity ?? 1, knobs)
      : { ...DEFAULT_BALANCER_POLICY_KNOBS, ...knobs, origins: origins.map(withDefaults) };
  problems.push(...policyProblems(policy));
  if (problems.length > 0) throw new InvalidConfigError(source, problems);
  return policy;
}

/** Knob overrides only, for runs where each trace brings its own capacity (the four-trace comparison). */
export function knobsFromConfig(raw: unknown, source: string): Partial<BalancerPolicyKnobs> {
  const { origins, ...knobs } = parseConfig(raw, source);
  const problems = origins === undefined ? [] : ["origins: not used here, each trace has its own capacity"];
  problems.push(...policyProblems(twoOriginPolicy(1, knobs)));
  if (problems.length > 0) throw new InvalidConfigError(source, problems);
  return knobs;
}

function parseConfig(raw: unknown, source: string): BacktestConfig {
  const parsed = backtestConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new InvalidConfigError(source, parsed.error.issues.flatMap(describeIssue));
  return parsed.data;
}

function withDefaults(origin: z.infer<typeof originSchema>): OriginSpec {
  const targetUtilisation =
    origin.targetUtilisation ?? (origin.capacity === undefined ? 1 : DEFAULT_TARGET_UTILISATION);
  return origin.capacity === undefined
    ? { setIdentifier: origin.setIdentifier, targetUtilisation }
    : { setIdentifier: origin.setIdentifier, capacity: origin.capacity, targetUtilisation };
}

/** Checks that span several keys, on the merged policy so defaults take part. */
function policyProblems(policy: BalancerPolicy): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  policy.origins.forEach((origin, i) => {
    if (seen.has(origin.setIdentifier)) {
      problems.push(`origins.${i}.setIdentifier: "${origin.setIdentifier}" is listed twice`);
    }
    seen.add(origin.setIdentifier);
    if (origin.capacity === undefined && i < policy.origins.length - 1) {
      problems.push(`origins.${i}.capacity: missing; only the last origin may be unbounded (elastic)`);
    }
    if (origin.capacity !== undefined && origin.targetUtilisation > policy.engageUtilisation) {
      problems.push(
        `origins.${i}.targetUtilisation: ${origin.targetUtilisation} is above engageUtilisation ${policy.engageUtilisation}; every fill would re-engage`,
      );
    }
  });
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => `${path === "" ? key : `${path}.${key}`}: unknown key`);
  }
  return [`${path === "" ? "(top level)" : path}: ${issue.message}`];
}
