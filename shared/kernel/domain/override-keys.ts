import { EVERY, type OverridableAutomation } from "./override-types";
import { EVERY_SEGMENT, parameterKeys } from "./parameter-layout";

const segment = (name: string) => (name === EVERY ? EVERY_SEGMENT : name);

/** Where the override for one scope lives, under the stage's parameter prefix. */
export function overrideKey(automation: OverridableAutomation | typeof EVERY, target: string): string {
  return parameterKeys.override(segment(automation), segment(target));
}

/** Every key whose override may apply to this target, most specific first. */
export function overrideKeysFor(automation: OverridableAutomation, target: string): string[] {
  return [overrideKey(automation, target), overrideKey(automation, EVERY), overrideKey(EVERY, EVERY)];
}
