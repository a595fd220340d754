/** Small JSON documents that must survive between runs (SSM Parameter Store in AWS). */
export interface StoredValue<T> {
  value: T;
  /** Store version, for optimistic concurrency. */
  version: number;
}

export interface StateStore {
  load<T>(key: string): Promise<StoredValue<T> | undefined>;
  /**
   * Writes the value. With `expectedVersion`, fails with ConflictError when someone else wrote since
   * (undefined = must not exist yet).
   */
  save<T>(key: string, value: T, options?: { expectedVersion?: number | "absent" }): Promise<number>;
}
