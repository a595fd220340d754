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
  save<T>(key: string, value: T, options?: { expectedVersion?: number | "absent" }): Promise<number>;
}
