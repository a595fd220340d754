import { ConflictError } from "../../shared/errors";
import type { StateStore, StoredValue } from "../../shared/ports/state-store";

/**
 * Parameter Store in memory, the one every unit test uses. It keeps the SSM adapter's contract (the same
 * contract test runs against both): versions that start at 1 and move by one per write, "absent" and
 * stale-version writes refused with ConflictError and nothing changed, and values copied both ways, so a
 * workflow can never change what is stored by mutating an object it read or wrote.
 *
 * For tests: `values` is the stored map itself (assert on it, or set a value to play another writer);
 * `beforeSave` runs once before the next save (a concurrent writer at the worst moment); `failLoads` and
 * `failSaves` play an SSM outage; `writes` lists every key written, in order.
 */
export class MemoryStateStore implements StateStore {
  readonly values = new Map<string, StoredValue<unknown>>();
  readonly writes: string[] = [];
  failLoads = false;
  failSaves = false;
  beforeSave?: (key: string) => void;

  async load<T>(key: string): Promise<StoredValue<T> | undefined> {
    if (this.failLoads) throw new Error("ThrottlingException: Rate exceeded");
    const stored = this.values.get(key);
    return stored === undefined ? undefined : (structuredClone(stored) as StoredValue<T>);
  }

  async loadMany<T>(keys: readonly string[]): Promise<Map<string, StoredValue<T>>> {
    const found = new Map<string, StoredValue<T>>();
    for (const key of keys) {
      const stored = await this.load<T>(key);
      if (stored !== undefined) found.set(key, stored);
    }
    return found;
  }

  async save<T>(
    key: string,
    value: T,
    options: { expectedVersion?: number | "absent" } = {},
  ): Promise<number> {
    const hook = this.beforeSave;
    this.beforeSave = undefined;
    hook?.(key);
    if (this.failSaves) throw new Error("AccessDeniedException: not authorized to ssm:PutParameter");
    const current = this.values.get(key);
    const expected = options.expectedVersion;
    if (expected === "absent" && current !== undefined) {
      throw new ConflictError(`${key} was created by someone else meanwhile: re-read and retry`);
    }
    if (typeof expected === "number" && current?.version !== expected) {
      throw new ConflictError(
        `${key} changed while we worked (read version ${expected}, now ${current?.version ?? "deleted"}): re-read and retry`,
      );
    }
    const version = (current?.version ?? 0) + 1;
    this.values.set(key, { value: structuredClone(value), version });
    this.writes.push(key);
    return version;
  }
}
