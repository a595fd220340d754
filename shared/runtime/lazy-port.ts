/** A port whose every method answers with a promise: one that can stand in before its adapter exists. */
export type AsyncPort<T> = { [K in keyof T]: (...args: never) => Promise<unknown> };

/** Every method of the port, named once: the compiler refuses a list that misses one. */
export type PortMethods<T> = { [K in keyof T]-?: true };

/**
 * Runs `load` once, on the first call, and shares its promise with every later call; a load that fails
 * is tried again on the next call (a transient failure to read a chunk must not break the warm Lambda).
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    if (loading === undefined) {
      const attempt = load();
      loading = attempt;
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
}

/**
 * Stands in for a port whose adapter, and the AWS SDK client under it, is a chunk of the bundle of its
 * own: the chunk is imported on the port's first call. A cold start then compiles it while the function's
 * first requests (the SSM reads every run starts with) are already in flight, instead of before any of
 * them leaves. Calls made before the load ends wait for it, in order.
 */
export function lazyPort<T extends AsyncPort<T>>(load: () => Promise<T>, methods: PortMethods<T>): T {
  const port = loadOnce(load);
  const standIn: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(methods)) {
    standIn[name] = async (...args) => {
      const loaded = (await port()) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const method = loaded[name];
      if (typeof method !== "function") throw new TypeError(`the loaded port has no method ${name}`);
      return method.apply(loaded, args);
    };
  }
  return standIn as unknown as T;
}
