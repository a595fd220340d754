/**
 * The largest value one key may hold: a standard SSM parameter's 4 KB (advanced ones hold 8 KB and
 * cost money). Stores refuse more with a ValueTooLargeError.
 */
export const STANDARD_PARAMETER_MAX_BYTES = 4_096;

/** Small JSON documents that must survive between runs (SSM Parameter Store in AWS). */
export interface StoredValue<T> {
  value: T;
  /** Store version, for optimistic concurrency. */
  version: number;
}

export interface StateStore {
  load<T>(key: string): Promise<StoredValue<T> | undefined>;
  /** Several keys in as few reads as the store allows (SSM: GetParameters, 10 names a call); absent keys are left out. */
  loadMany?<T>(keys: readonly string[]): Promise<Map<string, StoredValue<T>>>;
  /**
   * Every key under `path` that `wanted` accepts, in one paged listing (SSM: GetParametersByPath, 10 a
   * page): cheaper than naming many keys when few of them exist.
   */
  loadUnder?<T>(path: string, wanted: (key: string) => boolean): Promise<Map<string, StoredValue<T>>>;
  /**
   * Writes the value. With `expectedVersion`, fails with ConflictError when someone else wrote since
   * (undefined = must not exist yet).
   */
  save<T>(key: string, value: T, options?: SaveOptions): Promise<number>;
  /**
   * Runs `work` while holding the lease `key` (a key of its own, created only if absent, removed after):
   * one writer at a time across invocations. A lease held by someone else is a ConflictError and `work`
   * does not run; a lease past its expiry (its holder died) is broken. `until`: when the holder expects
   * to be done (default: a short lease).
   */
  withLease<T>(key: string, work: () => Promise<T>, options?: { until?: Date }): Promise<T>;
}

export interface SaveOptions {
  expectedVersion?: number | "absent";
  /**
   * For a store that holds a lock while it updates a version (SSM): resolve as soon as the value is
   * written and hand over the lock's release, still in flight, instead of waiting for it. The caller can
   * act on what it stored (flow control sends its command) while the release travels, and must await it
   * before it writes the same key again. A store without a lock never calls it.
   */
  releaseLater?: (released: Promise<void>) => void;
}
