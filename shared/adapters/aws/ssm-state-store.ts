import { randomUUID } from "node:crypto";
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { ConflictError, ValueTooLargeError } from "../../errors";
import { parameterKeys } from "../../kernel/domain/parameter-layout";
import {
  type SaveOptions,
  STANDARD_PARAMETER_MAX_BYTES,
  type StateStore,
  type StoredValue,
} from "../../ports/state-store";
import { isAwsError } from "./aws-error";

/**
 * A writer holds a key's lock for at most this long. The holder only re-reads and writes one parameter
 * (well under a second); a lock older than this belongs to an invocation that died, and may be broken.
 */
const LOCK_LEASE_MS = 30_000;

/** How long a run lease outlives the deadline its holder named (it records after its AWS work). */
const LEASE_GRACE_MS = 5_000;

// SSM refuses a value over 4 KB, moto does not: checked here, so every store behaves as AWS does.
export { STANDARD_PARAMETER_MAX_BYTES };

/**
 * JSON documents in SSM Parameter Store under one prefix (one parameter per key).
 *
 * Optimistic concurrency: PutParameter has no "only if the version is N" condition, and checking the
 * version it returns afterwards is too late (the loser's value would already have replaced the winner's).
 * So an update takes a short lease lock first: a `<key>.lock` parameter created with Overwrite=false,
 * which SSM makes atomic. Under the lock it re-reads the version, writes only if it is still the one the
 * caller read, then deletes the lock. Creating an absent key needs no lock: Overwrite=false is atomic.
 * The re-read stays even when our lock was created at the first try: between the caller's read and our
 * lock another writer may have taken the lock, written and released it, and nothing else tells us.
 */
export function createSsmStateStore(
  client: SSMClient,
  prefix: string,
  clock: () => number = Date.now,
): StateStore {
  const nameOf = (key: string) => `${prefix.replace(/\/$/, "")}/${key}`;

  const readVersion = async (name: string): Promise<number | undefined> => {
    try {
      return (await client.send(new GetParameterCommand({ Name: name }))).Parameter?.Version;
    } catch (error) {
      if (isAwsError(error, "ParameterNotFound")) return undefined;
      throw error;
    }
  };

  const put = async (name: string, value: string, overwrite: boolean) =>
    (
      await client.send(
        new PutParameterCommand({ Name: name, Value: value, Type: "String", Overwrite: overwrite }),
      )
    ).Version ?? 0;

  const releaseLock = async (lock: string) => {
    try {
      await client.send(new DeleteParameterCommand({ Name: lock }));
    } catch (error) {
      if (!isAwsError(error, "ParameterNotFound")) throw error;
    }
  };

  /**
   * Takes the lease parameter `lock` (created with Overwrite=false, so only one taker wins) for `name`;
   * breaks a lease whose holder died (at most once, then reports the conflict).
   */
  const acquireLock = async (lock: string, name: string, until?: () => Date) => {
    // Who took it: the SDK retries a create whose answer timed out, and that retry finds the lease the
    // first attempt created; with the holder's id it is recognised as ours, not someone else's.
    const holder = randomUUID();
    for (let attempt = 0; attempt < 2; attempt++) {
      const expiresAt = until?.() ?? new Date(clock() + LOCK_LEASE_MS);
      const lease = JSON.stringify({ expiresAt: expiresAt.toISOString(), holder });
      try {
        await put(lock, lease, false);
        return lock;
      } catch (error) {
        if (!isAwsError(error, "ParameterAlreadyExists")) throw error;
        const held = await readLease(lock);
        if (held?.holder === holder) return lock;
        if (held?.expiresAt !== undefined && Date.parse(held.expiresAt) > clock()) {
          throw new ConflictError(
            `${name} is being written by another invocation (lease until ${held.expiresAt})`,
            { cause: error },
          );
        }
        await releaseLock(lock);
      }
    }
    throw new ConflictError(`${name}: could not take the write lock, another writer keeps taking it`);
  };

  const readLease = async (lock: string): Promise<{ expiresAt?: string; holder?: string } | undefined> => {
    try {
      const out = await client.send(new GetParameterCommand({ Name: lock }));
      return JSON.parse(out.Parameter?.Value ?? "{}") as { expiresAt?: string; holder?: string };
    } catch (error) {
      if (isAwsError(error, "ParameterNotFound")) return undefined;
      throw error;
    }
  };

  return {
    async load<T>(key: string) {
      try {
        const out = await client.send(new GetParameterCommand({ Name: nameOf(key) }));
        const text = out.Parameter?.Value;
        if (text === undefined) return undefined;
        return { value: JSON.parse(text) as T, version: out.Parameter?.Version ?? 0 };
      } catch (error) {
        if (isAwsError(error, "ParameterNotFound")) return undefined;
        throw error;
      }
    },

    async loadMany<T>(keys: readonly string[]) {
      const found = new Map<string, StoredValue<T>>();
      const byName = new Map(keys.map((key) => [nameOf(key), key]));
      const names = [...byName.keys()];
      // GetParameters takes at most 10 names per call; unknown names come back in InvalidParameters.
      for (let i = 0; i < names.length; i += 10) {
        const out = await client.send(new GetParametersCommand({ Names: names.slice(i, i + 10) }));
        for (const parameter of out.Parameters ?? []) {
          const key = byName.get(parameter.Name ?? "");
          if (key === undefined || parameter.Value === undefined) continue;
          found.set(key, { value: JSON.parse(parameter.Value) as T, version: parameter.Version ?? 0 });
        }
      }
      return found;
    },

    async loadUnder<T>(path: string, wanted: (key: string) => boolean) {
      const found = new Map<string, StoredValue<T>>();
      const root = nameOf("");
      let nextToken: string | undefined;
      // Bounded: 10 parameters a page, so 1,000 pages is 10,000 parameters, far past one stage's.
      for (let page = 0; page < 1_000; page++) {
        const out = await client.send(
          new GetParametersByPathCommand({
            Path: nameOf(path),
            Recursive: true,
            MaxResults: 10,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const parameter of out.Parameters ?? []) {
          const key = (parameter.Name ?? "").slice(root.length);
          if (!wanted(key) || parameter.Value === undefined) continue;
          found.set(key, { value: JSON.parse(parameter.Value) as T, version: parameter.Version ?? 0 });
        }
        nextToken = out.NextToken;
        if (!nextToken) return found;
      }
      throw new Error(`${nameOf(path)}: more than 1,000 pages of parameters, stopped listing`);
    },

    async withLease<T>(key: string, work: () => Promise<T>, options: { until?: Date } = {}) {
      const name = nameOf(key);
      const until = options.until;
      // A lease outlives its holder's deadline by a little: the holder records after its AWS work.
      const lock = await acquireLock(
        name,
        name,
        until ? () => new Date(Math.max(until.getTime(), clock()) + LEASE_GRACE_MS) : undefined,
      );
      try {
        return await work();
      } finally {
        await releaseLock(lock);
      }
    },

    async save<T>(key: string, value: T, options: SaveOptions = {}) {
      const name = nameOf(key);
      const text = JSON.stringify(value);
      const bytes = Buffer.byteLength(text, "utf8");
      if (bytes > STANDARD_PARAMETER_MAX_BYTES) {
        throw new ValueTooLargeError(
          `${name}: ${bytes} bytes do not fit a standard SSM parameter (${STANDARD_PARAMETER_MAX_BYTES} bytes at most); nothing was written`,
        );
      }
      const expected = options.expectedVersion;
      if (expected === undefined) return put(name, text, true);
      if (expected === "absent") {
        try {
          return await put(name, text, false);
        } catch (error) {
          if (!isAwsError(error, "ParameterAlreadyExists")) throw error;
          throw new ConflictError(`${name} was created by someone else meanwhile: re-read and retry`, {
            cause: error,
          });
        }
      }
      const lock = await acquireLock(parameterKeys.lockOf(name), name);
      let version: number;
      try {
        const current = await readVersion(name);
        if (current !== expected) {
          throw new ConflictError(
            `${name} changed while we worked (read version ${expected}, now ${current ?? "deleted"}): re-read and retry`,
          );
        }
        version = await put(name, text, true);
      } catch (error) {
        await releaseLock(lock);
        throw error;
      }
      // Released only once the write is acknowledged; the caller may take the release over.
      const released = releaseLock(lock);
      if (options.releaseLater === undefined) {
        await released;
        return version;
      }
      options.releaseLater(released);
      return version;
    },
  };
}

/** Reads a SecureString (the Slack token) once; the value is never logged. */
export async function readSecret(client: SSMClient, name: string): Promise<string> {
  const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = out.Parameter?.Value;
  if (value === undefined || value === "") throw new Error(`SSM parameter ${name} is empty`);
  return value;
}
