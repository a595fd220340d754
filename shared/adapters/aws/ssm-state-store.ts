import {
  GetParameterCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { ConflictError } from "../../errors";
import type { StateStore } from "../../ports/state-store";

/**
 * JSON documents in SSM Parameter Store under one prefix (one parameter per key).
 *
 * Optimistic concurrency: PutParameter has no "if version is" condition, so we create with
 * Overwrite=false (atomic "must not exist"), and for updates we check that the version PutParameter
 * returns is exactly the one we read plus one; anything else means another writer got in between.
 */
export function createSsmStateStore(client: SSMClient, prefix: string): StateStore {
  const nameOf = (key: string) => `${prefix.replace(/\/$/, "")}/${key}`;
  return {
    async load<T>(key: string) {
      try {
        const out = await client.send(new GetParameterCommand({ Name: nameOf(key) }));
        const text = out.Parameter?.Value;
        if (text === undefined) return undefined;
        return { value: JSON.parse(text) as T, version: out.Parameter?.Version ?? 0 };
      } catch (error) {
        if (error instanceof ParameterNotFound) return undefined;
        throw error;
      }
    },

    async save<T>(key: string, value: T, options: { expectedVersion?: number | "absent" } = {}) {
      const expected = options.expectedVersion;
      try {
        const out = await client.send(
          new PutParameterCommand({
            Name: nameOf(key),
            Value: JSON.stringify(value),
            Type: "String",
            Overwrite: expected !== "absent",
          }),
        );
        const version = out.Version ?? 0;
        if (typeof expected === "number" && version !== expected + 1) {
          throw new ConflictError(
            `${nameOf(key)} changed while we worked (read version ${expected}, now ${version - 1}): re-read and retry`,
          );
        }
        return version;
      } catch (error) {
        if (error instanceof ParameterAlreadyExists) {
          throw new ConflictError(`${nameOf(key)} was created by someone else meanwhile: re-read and retry`, {
            cause: error,
          });
        }
        throw error;
      }
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
