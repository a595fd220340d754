import { GetParametersByPathCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { AwsCallError } from "../../errors";
import { overrideKey } from "../../kernel/domain/override-keys";
import type { StoredOverride } from "../../kernel/domain/override-types";
import { parameterKeys } from "../../kernel/domain/parameter-layout";
import type { OverrideStore } from "../../ports/override-store";
import type { StateStore } from "../../ports/state-store";

/** Pages of at most 10 parameters each (the API maximum); 100 pages is far beyond any real stage. */
const MAX_PAGES = 100;

/**
 * Overrides as JSON parameters under `<prefix>/overrides/<automation>/<target>`, one per scope, written
 * through the state store (so writes get its optimistic concurrency) and listed with one recursive
 * GetParametersByPath per run.
 */
export function createSsmOverrideStore(client: SSMClient, prefix: string, state: StateStore): OverrideStore {
  const root = `${prefix.replace(/\/$/, "")}/overrides`;
  return {
    async list() {
      const overrides: StoredOverride[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(
          new GetParametersByPathCommand({ Path: root, Recursive: true, NextToken: nextToken }),
        );
        for (const parameter of out.Parameters ?? []) {
          if (parameter.Name?.endsWith(parameterKeys.lockOf("")) || parameter.Value === undefined) continue;
          try {
            overrides.push(JSON.parse(parameter.Value) as StoredOverride);
          } catch (error) {
            // An unreadable override must stop the automation, not be taken as "no override".
            throw new AwsCallError(`override parameter ${parameter.Name} is not valid JSON`, {
              cause: error,
            });
          }
        }
        nextToken = out.NextToken;
        if (nextToken === undefined) return overrides;
      }
      throw new AwsCallError(`more than ${MAX_PAGES * 10} parameters under ${root}`);
    },
    load: (automation, target) => state.load<StoredOverride>(overrideKey(automation, target)),
    save: (override, expectedVersion) =>
      state.save(overrideKey(override.automation, override.target), override, { expectedVersion }),
  };
}
