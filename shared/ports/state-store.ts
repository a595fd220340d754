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
   * Writes the value. With `expectedVersion`, fails with ConflictError when someone else wrote since
   * (undefined = must not exist yet).
   */
  save<T>(key: string, value: T, options?: SaveOptions): Promise<number>;
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
