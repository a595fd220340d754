import type { ChatMessage } from "../../../shared/domain/messages/chat-message";
import { ConflictError } from "../../../shared/errors";
import type { Notifier, NotifyResult } from "../../../shared/ports/notifier";
import type { StateStore, StoredValue } from "../../../shared/ports/state-store";
import { memoryLeases } from "../../support/memory-lease";

/** Parameter Store in memory: versions, optimistic concurrency, and switchable read/write outages. */
export class MemoryStateStore implements StateStore {
  readonly values = new Map<string, StoredValue<unknown>>();
  failLoads = false;
  failSaves = false;
  readonly withLease = memoryLeases();

  async load<T>(key: string): Promise<StoredValue<T> | undefined> {
    if (this.failLoads) throw new Error("ThrottlingException: Rate exceeded");
    const stored = this.values.get(key);
    return stored === undefined ? undefined : (structuredClone(stored) as StoredValue<T>);
  }

  async save<T>(key: string, value: T, options: { expectedVersion?: number | "absent" } = {}) {
    if (this.failSaves) throw new Error("AccessDeniedException: not authorized to ssm:PutParameter");
    const current = this.values.get(key);
    if (options.expectedVersion === "absent" && current) throw new ConflictError(`${key} exists`);
    if (typeof options.expectedVersion === "number" && current?.version !== options.expectedVersion)
      throw new ConflictError(`${key} changed`);
    const version = (current?.version ?? 0) + 1;
    this.values.set(key, { value: structuredClone(value), version });
    return version;
  }
}

export interface RecordedCall {
  method: "chat.postMessage" | "chat.update";
  ts: string;
  threadTs?: string;
  message: ChatMessage;
}

/** A Notifier that records every call like Slack would see it, and can be switched off (an outage). */
export function recordingNotifier() {
  const calls: RecordedCall[] = [];
  let down = false;
  let failures = 0;
  let counter = 0;
  /** Every call made, answered or not: what an outage costs in client timeouts. */
  const attempts: string[] = [];
  const failing = (method: string) => {
    attempts.push(method);
    if (failures > 0) failures -= 1;
    else if (!down) return false;
    return true;
  };
  const port: Notifier = {
    async post(message, options = {}): Promise<NotifyResult> {
      if (failing("chat.postMessage")) return { ok: false, error: "slack is down" };
      counter += 1;
      const ts = `1700000000.${String(counter).padStart(6, "0")}`;
      calls.push({
        method: "chat.postMessage",
        ts,
        message,
        ...(options.threadTs ? { threadTs: options.threadTs } : {}),
      });
      return { ok: true, ts };
    },
    async update(ts, message) {
      if (failing("chat.update")) return { ok: false, error: "slack is down" };
      calls.push({ method: "chat.update", ts, message });
      return { ok: true, ts };
    },
  };
  return {
    port,
    calls,
    roots: () => calls.filter((c) => c.method === "chat.postMessage" && c.threadTs === undefined),
    replies: () => calls.filter((c) => c.method === "chat.postMessage" && c.threadTs !== undefined),
    updates: () => calls.filter((c) => c.method === "chat.update"),
    attempts,
    setDown(value: boolean) {
      down = value;
    },
    /** The next `count` calls fail, whatever they are. */
    failNext(count: number) {
      failures = count;
    },
  };
}
