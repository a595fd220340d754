import type { LocalInstance } from "./types";
import { SsmApiError, validationError } from "./wire";

/** SendCommand takes at most 50 InstanceIds; beyond that callers must target by tag (aws.md). */
const MAX_INSTANCE_IDS = 50;
const MAX_TARGETS = 5;
const MAX_TARGET_VALUES = 50;
/** The InstanceId member pattern of the SSM API model. */
export const INSTANCE_ID_PATTERN = /^(i-(\w{8}|\w{17})|mi-\w{17})$/;
const MAX_CONCURRENCY_PATTERN = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
const MAX_ERRORS_PATTERN = /^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/;

export interface Target {
  readonly Key: string;
  readonly Values: readonly string[];
}

/**
 * The instances a SendCommand addresses, in dispatch order: InstanceIds as given, or the instances matching
 * every Target (several Targets must all match). Unknown ids are InvalidInstanceId; Targets that match
 * nothing give an empty command, as SSM does.
 */
export function resolveInstances(
  instanceIds: readonly string[] | undefined,
  targets: readonly Target[] | undefined,
  instances: readonly LocalInstance[],
): string[] {
  const byId = instanceIds !== undefined && instanceIds.length > 0;
  const byTarget = targets !== undefined && targets.length > 0;
  if (byId === byTarget)
    throw validationError("Specify either InstanceIds or Targets (one of them, not both).");
  if (byId) return checkInstanceIds(instanceIds, instances);
  if ((targets?.length ?? 0) > MAX_TARGETS) {
    throw validationError(`Member 'targets' must have length less than or equal to ${MAX_TARGETS}.`);
  }
  let selected = instances.map((instance) => instance.instanceId);
  for (const target of targets ?? []) {
    const matching = new Set(matchTarget(target, instances));
    selected = selected.filter((instanceId) => matching.has(instanceId));
  }
  return selected;
}

function checkInstanceIds(instanceIds: readonly string[], instances: readonly LocalInstance[]): string[] {
  if (instanceIds.length > MAX_INSTANCE_IDS) {
    throw validationError(
      `1 validation error detected: Value '[${instanceIds.join(", ")}]' at 'instanceIds' failed to satisfy ` +
        `constraint: Member must have length less than or equal to ${MAX_INSTANCE_IDS}`,
    );
  }
  const malformed = instanceIds.filter((instanceId) => !INSTANCE_ID_PATTERN.test(instanceId));
  if (malformed.length > 0) {
    throw validationError(`InstanceIds [${malformed.join(", ")}] do not match ${INSTANCE_ID_PATTERN.source}`);
  }
  if (new Set(instanceIds).size !== instanceIds.length) {
    throw new SsmApiError("DuplicateInstanceId", "InstanceIds contains the same instance more than once.");
  }
  const known = new Set(instances.map((instance) => instance.instanceId));
  const unknown = instanceIds.filter((instanceId) => !known.has(instanceId));
  if (unknown.length > 0) {
    throw new SsmApiError(
      "InvalidInstanceId",
      `Instances [[${unknown.join(", ")}]] are not managed instances.`,
    );
  }
  return [...instanceIds];
}

function matchTarget(target: Target, instances: readonly LocalInstance[]): string[] {
  if (typeof target?.Key !== "string" || !Array.isArray(target.Values) || target.Values.length === 0) {
    throw validationError("Each target needs a Key and 1 to 50 Values.");
  }
  if (target.Values.length > MAX_TARGET_VALUES) {
    throw validationError(`Target ${target.Key} takes at most ${MAX_TARGET_VALUES} values.`);
  }
  const values = new Set(target.Values);
  const ids = (predicate: (instance: LocalInstance) => boolean) =>
    instances.filter(predicate).map((instance) => instance.instanceId);
  if (target.Key === "InstanceIds") return ids((instance) => values.has(instance.instanceId));
  if (target.Key === "tag-key")
    return ids((instance) => Object.keys(instance.tags).some((key) => values.has(key)));
  if (target.Key.startsWith("tag:")) {
    const tagKey = target.Key.slice("tag:".length);
    return ids((instance) => {
      const value = instance.tags[tagKey];
      return value !== undefined && values.has(value);
    });
  }
  throw validationError(
    `Target key ${target.Key} is not supported by the stand-in (use tag:<key>, tag-key, InstanceIds).`,
  );
}

/**
 * MaxConcurrency as a number of instances for this command. A percentage rounds up and never falls below 1,
 * or a small fleet would never start.
 * @example ("10%", 25) -> 3; ("50", 7) -> 50
 */
export function concurrencyLimit(maxConcurrency: string, targetCount: number): number {
  if (!MAX_CONCURRENCY_PATTERN.test(maxConcurrency)) {
    throw validationError(
      `MaxConcurrency "${maxConcurrency}" must be a number like 10 or a percentage like 10%.`,
    );
  }
  return maxConcurrency.endsWith("%")
    ? Math.max(1, Math.ceil((targetCount * Number.parseInt(maxConcurrency, 10)) / 100))
    : Number.parseInt(maxConcurrency, 10);
}

/**
 * MaxErrors as the number of errors tolerated; one more stops dispatching. A percentage rounds down
 * (SSM docs: 10% of 50 stops at the sixth error).
 * @example ("0", 9) -> 0; ("10%", 50) -> 5; ("10%", 9) -> 0
 */
export function errorLimit(maxErrors: string, targetCount: number): number {
  if (!MAX_ERRORS_PATTERN.test(maxErrors)) {
    throw validationError(`MaxErrors "${maxErrors}" must be a number like 0 or a percentage like 10%.`);
  }
  return maxErrors.endsWith("%")
    ? Math.floor((targetCount * Number.parseInt(maxErrors, 10)) / 100)
    : Number.parseInt(maxErrors, 10);
}
