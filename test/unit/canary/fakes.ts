import type { AlarmObservation, HealthObservation } from "../../../shared/domain/canary/plan-canary-step";
import type { ForwardWeights } from "../../../shared/domain/canary/split";
import type { ChatMessage } from "../../../shared/domain/messages/chat-message";
import { ConflictError } from "../../../shared/errors";
import type { AlarmStates } from "../../../shared/ports/alarm-states";
import type { ForwardRef, ListenerRules } from "../../../shared/ports/listener-rules";
import type { Notifier, NotifyResult } from "../../../shared/ports/notifier";
import type { StateStore, StoredValue } from "../../../shared/ports/state-store";
import type { TargetHealth } from "../../../shared/ports/target-health";
import { createLogger } from "../../../shared/runtime/logger";
import type { CanaryDeps } from "../../../shared/workflows/run-canaries";
import { memoryLeases } from "../../support/memory-lease";

const key = (ref: ForwardRef) => (ref.kind === "rule" ? ref.ruleArn : ref.listenerArn);

/** A stateful ALB forward action that rejects what the ALB would (weights 0–999, stickiness 1–604,800 s). */
export function fakeRules(initial: Record<string, ForwardWeights>) {
  const rules = new Map(Object.entries(structuredClone(initial)));
  const writes: { ref: ForwardRef; next: ForwardWeights }[] = [];
  let reads = 0;
  let tamperReadBack: ((w: ForwardWeights) => ForwardWeights) | undefined;
  const port: ListenerRules = {
    async read(ref) {
      reads += 1;
      const current = rules.get(key(ref));
      if (current === undefined) throw new Error(`RuleNotFound: ${key(ref)}`);
      const copy = structuredClone(current);
      return writes.length > 0 && tamperReadBack ? tamperReadBack(copy) : copy;
    },
    async write(ref, next, expected) {
      const current = rules.get(key(ref));
      if (JSON.stringify(current) !== JSON.stringify(expected)) throw new ConflictError("changed meanwhile");
      for (const weight of Object.values(next.weights)) {
        if (!Number.isInteger(weight) || weight < 0 || weight > 999)
          throw new Error(`ValidationError: weight ${weight}`);
      }
      const duration = next.stickiness.durationSeconds;
      if (next.stickiness.enabled && (duration === undefined || duration < 1 || duration > 604_800)) {
        throw new Error(`ValidationError: stickiness duration ${duration}`);
      }
      rules.set(key(ref), structuredClone(next));
      writes.push({ ref, next: structuredClone(next) });
      return ref.kind === "rule" ? "ModifyRule" : "ModifyListener";
    },
  };
  return {
    port,
    writes,
    reads: () => reads,
    current: (arn: string) => rules.get(arn),
    set: (arn: string, value: ForwardWeights) => rules.set(arn, structuredClone(value)),
    tamperReadBack: (f: (w: ForwardWeights) => ForwardWeights) => {
      tamperReadBack = f;
    },
  };
}

export function fakeAlarms(states: Record<string, AlarmObservation["state"]>) {
  const calls: string[][] = [];
  const port: AlarmStates = {
    async read(names) {
      calls.push([...names]);
      return names.flatMap((name) => {
        const state = states[name];
        return state === undefined ? [] : [{ name, state }];
      });
    },
  };
  return { port, states, calls };
}

export function fakeHealth(health: HealthObservation) {
  const port: TargetHealth = { read: async () => structuredClone(health) };
  return { port, health };
}

/** Versions like SSM; a stale expectedVersion is a ConflictError. */
export function memoryStore(): StateStore & { values: Map<string, StoredValue<unknown>> } {
  const values = new Map<string, StoredValue<unknown>>();
  return {
    values,
    withLease: memoryLeases(),
    async load<T>(k: string) {
      const stored = values.get(k);
      return stored === undefined ? undefined : (structuredClone(stored) as StoredValue<T>);
    },
    async save<T>(k: string, value: T, options: { expectedVersion?: number | "absent" } = {}) {
      const current = values.get(k);
      if (options.expectedVersion === "absent" && current !== undefined)
        throw new ConflictError(`${k} exists`);
      if (typeof options.expectedVersion === "number" && current?.version !== options.expectedVersion) {
        throw new ConflictError(`${k} changed`);
      }
      const version = (current?.version ?? 0) + 1;
      values.set(k, { value: structuredClone(value), version });
      return version;
    },
  };
}

export function fakeNotifier() {
  const posts: { message: ChatMessage; threadTs?: string; ts: string }[] = [];
  const updates: { ts: string; message: ChatMessage }[] = [];
  let down = false;
  let counter = 0;
  const port: Notifier = {
    async post(message, options = {}): Promise<NotifyResult> {
      if (down) return { ok: false, error: "slack is down" };
      counter += 1;
      const ts = `1700000000.${String(counter).padStart(6, "0")}`;
      posts.push({ message, ts, ...(options.threadTs ? { threadTs: options.threadTs } : {}) });
      return { ok: true, ts };
    },
    async update(ts, message) {
      if (down) return { ok: false, error: "slack is down" };
      updates.push({ ts, message });
      return { ok: true, ts };
    },
  };
  return {
    port,
    posts,
    updates,
    setDown: (value: boolean) => {
      down = value;
    },
  };
}

export function depsWith(parts: {
  rules: ListenerRules;
  alarms: AlarmStates;
  health: TargetHealth;
  state: StateStore;
  notifier: Notifier;
  clock: { now: Date };
  lines?: string[];
}): CanaryDeps {
  const lines = parts.lines ?? [];
  return {
    rules: parts.rules,
    alarms: parts.alarms,
    health: parts.health,
    state: parts.state,
    overrides: { list: async () => [] },
    notifier: parts.notifier,
    logger: createLogger({ write: (line) => lines.push(line), clock: () => parts.clock.now }),
    now: () => parts.clock.now,
  };
}
