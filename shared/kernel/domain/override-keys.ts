import { EVERY, type OverridableAutomation } from "./override-types";

/** SSM parameter names cannot hold "*": EVERY is stored as "_all" (no configured name starts with "_"). */
const segment = (name: string) => (name === EVERY ? "_all" : name);

/** Where the override for one scope lives, under the stage's parameter prefix. */
export function overrideKey(automation: OverridableAutomation | typeof EVERY, target: string): string {
  return `overrides/${segment(automation)}/${segment(target)}`;
}

/** Every key whose override may apply to this target, most specific first. */
export function overrideKeysFor(automation: OverridableAutomation, target: string): string[] {
  return [overrideKey(automation, target), overrideKey(automation, EVERY), overrideKey(EVERY, EVERY)];
}
