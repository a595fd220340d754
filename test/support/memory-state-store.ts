import { ConflictError, ValueTooLargeError } from "../../shared/errors";
import {
  STANDARD_PARAMETER_MAX_BYTES,
  type StateStore,
  type StoredValue,
} from "../../shared/ports/state-store";

/**
 * Parameter Store in memory, the one every unit test uses. It keeps the SSM adapter's contract (the same
 * contract test runs against both): versions that start at 1 and move by one per write, "absent" and
 * stale-version writes refused with ConflictError and nothing changed, values over a standard parameter's
 * 4 KB refused, one lease holder per key, and values copied both ways, so a workflow can never change what
 * is stored by mutating an object it read or wrote.
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
  /** Lease holders by key, with when each lease expires (ms). */
  private readonly leases = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

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

  async loadUnder<T>(path: string, wanted: (key: string) => boolean): Promise<Map<string, StoredValue<T>>> {
    const under = [...this.values.keys()].filter((key) => key.startsWith(`${path}/`) && wanted(key));
    return this.loadMany<T>(under);
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
    const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
    if (bytes > STANDARD_PARAMETER_MAX_BYTES) {
      throw new ValueTooLargeError(
        `${key}: ${bytes} bytes do not fit a standard SSM parameter; nothing was written`,
      );
    }
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

  async withLease<T>(key: string, work: () => Promise<T>, options: { until?: Date } = {}): Promise<T> {
    const until = this.leases.get(key);
    if (until !== undefined && until > this.clock()) {
      throw new ConflictError(
        `${key} is being written by another invocation (lease until ${new Date(until).toISOString()})`,
      );
    }
    const mine = options.until?.getTime() ?? this.clock() + 30_000;
    this.leases.set(key, mine);
    try {
      return await work();
    } finally {
      if (this.leases.get(key) === mine) this.leases.delete(key);
    }
  }
}
