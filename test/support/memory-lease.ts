import { ConflictError } from "../../shared/errors";

/**
 * StateStore.withLease in memory, for the stores tests keep in a Map: one holder per key at a time, a
 * second taker gets the ConflictError SSM's lease gives, and a lease past its expiry is broken.
 */
export function memoryLeases(clock: () => number = Date.now) {
  const held = new Map<string, number>();
  return async function withLease<T>(
    key: string,
    work: () => Promise<T>,
    options: { until?: Date } = {},
  ): Promise<T> {
    const until = held.get(key);
    if (until !== undefined && until > clock()) {
      throw new ConflictError(
        `${key} is being written by another invocation (lease until ${new Date(until).toISOString()})`,
      );
    }
    const mine = options.until?.getTime() ?? clock() + 30_000;
    held.set(key, mine);
    try {
      return await work();
    } finally {
      if (held.get(key) === mine) held.delete(key);
    }
  };
}
