import { describe, expect, it } from "vitest";
import { ConflictError } from "../../../shared/errors";
import { type FlowControlConfig, flowControlSchema } from "../../../shared/flow-control/config";
import { type AlarmInput, convergeFleets, handleAlarms } from "../../../shared/flow-control/control-fleets";
import type { FlowControlDeps } from "../../../shared/flow-control/deps";
import type { InvocationObservation } from "../../../shared/flow-control/domain/invocation-result";
import type { AlarmSignal, FleetState, FlowMode } from "../../../shared/flow-control/domain/types";
import type { AlarmObservation } from "../../../shared/kernel/domain/alarm-observation";
import type { ChatMessage } from "../../../shared/kernel/domain/chat-message";
import type { Trigger } from "../../../shared/kernel/domain/decision";
import { parameterKeys } from "../../../shared/kernel/domain/parameter-layout";
import type { AlarmStates } from "../../../shared/ports/alarm-states";
import type { FleetCommandRequest, FleetCommands, SentCommand } from "../../../shared/ports/fleet-commands";
import type { FleetInventory } from "../../../shared/ports/fleet-inventory";
import type { StateStore } from "../../../shared/ports/state-store";
import { createLogger } from "../../../shared/runtime/logger";
import { MemoryStateStore } from "../../support/memory-state-store";

const NOW = new Date("2026-11-02T20:30:00Z");
const ago = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const schedule: Trigger = { kind: "schedule", source: "rule/flow-control-converge", at: NOW.toISOString() };

const WEB_FLEET = {
  name: "web",
  tag: { key: "Role", value: "web" },
  alarms: [
    { alarmName: "overload", onAlarm: "close" },
    { alarmName: "overload-cleared", onAlarm: "open" },
  ],
};
const API_FLEET = {
  name: "api",
  tag: { key: "Role", value: "api" },
  alarms: [{ alarmName: "overload", onAlarm: "close", onOk: "open" }],
};

function config(extra: Record<string, unknown> = {}): FlowControlConfig {
  return flowControlSchema.parse({
    alarmTopicArns: ["arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms"],
    documentName: "TrafficAutopilot-FlowControl",
    commands: { pollIntervalMs: 10 },
    fleets: [WEB_FLEET, API_FLEET],
    ...extra,
  });
}
const webOnly = (extra: Record<string, unknown> = {}) => config({ fleets: [WEB_FLEET], ...extra });

const stored = (state: MemoryStateStore) =>
  (state.values.get(parameterKeys.fleetState("web"))?.value as FleetState | undefined) ?? ({} as FleetState);

/**
 * CloudWatch's alarm states as DescribeAlarms reports them. A notification made with `alarm` is a real
 * state change: CloudWatch is in that state from then on (tests of forged notifications change it after).
 */
const cloudwatch = new Map<string, AlarmObservation>();
const alarmStates: AlarmStates = {
  read: async (names) => names.flatMap((name) => cloudwatch.get(name) ?? []),
};

const alarm = (alarmName: string, state: AlarmSignal["state"], minutesAgo: number): AlarmInput => {
  cloudwatch.set(alarmName, { name: alarmName, state, updatedAt: ago(minutesAgo) });
  return {
    signal: { alarmName, state, previousState: "OK", stateChangeTime: ago(minutesAgo) },
    trigger: { kind: "alarm", source: `${alarmName} ${state}`, at: ago(minutesAgo) },
  };
};

type Behaviour = "ok" | "offline" | "fails" | "fails-once" | "hangs" | "truncated";

/** A fleet whose instances behave like flowctl behind Run Command. */
class FakeFleet implements FleetInventory, FleetCommands {
  readonly modes = new Map<string, FlowMode>();
  readonly sends: FleetCommandRequest[] = [];
  readonly outputsRead: string[] = [];
  private readonly results = new Map<string, InvocationObservation>();
  private failures = new Map<string, number>();
  inventoryError?: Error;

  constructor(private readonly byTag: Record<string, Record<string, Behaviour>>) {
    for (const fleet of Object.values(byTag)) for (const id of Object.keys(fleet)) this.modes.set(id, "open");
  }

  async listInstances(tag: { key: string; value: string }) {
    if (this.inventoryError) throw this.inventoryError;
    return Object.keys(this.byTag[tag.value] ?? {}).map((instanceId) => ({ instanceId }));
  }

  private behaviour(id: string): Behaviour {
    for (const fleet of Object.values(this.byTag)) if (fleet[id]) return fleet[id];
    throw new Error(`unknown instance ${id}`);
  }

  async send(request: FleetCommandRequest) {
    this.sends.push(request);
    const commandId = `cmd-${this.sends.length}`;
    const mode: FlowMode =
      request.action === "close" ? "closed" : request.action === "open" ? "open" : "admitting";
    for (const id of request.instanceIds) {
      const behaviour = this.behaviour(id);
      const failedBefore = this.failures.get(id) ?? 0;
      const key = `${commandId}/${id}`;
      if (behaviour === "offline") {
        this.results.set(key, {
          instanceId: id,
          commandId,
          status: "TimedOut",
          statusDetails: "DeliveryTimedOut",
          output: "",
        });
      } else if (behaviour === "hangs") {
        this.results.set(key, { instanceId: id, commandId, status: "InProgress", output: "" });
      } else if (behaviour === "fails" || (behaviour === "fails-once" && failedBefore === 0)) {
        this.failures.set(id, failedBefore + 1);
        const json = {
          ok: false,
          action: request.action,
          mode: this.modes.get(id),
          admitRate: 0,
          servedMode: "open",
          changed: false,
          elapsedMs: 5,
          message: "another flowctl holds the lock (waited 5s); nothing changed",
        };
        this.results.set(key, {
          instanceId: id,
          commandId,
          status: "Failed",
          responseCode: 3,
          output: JSON.stringify(json),
        });
      } else {
        const changed = this.modes.get(id) !== mode;
        this.modes.set(id, mode);
        const json = JSON.stringify({
          ok: true,
          action: request.action,
          mode,
          admitRate: mode === "admitting" ? Number(request.action.split(" ")[1]) : 0,
          servedMode: mode,
          changed,
          elapsedMs: 5,
          message: changed ? `-> ${mode}` : `already ${mode}`,
        });
        // "truncated": the listed Output is cut before the JSON line (a chatty stderr first would do that).
        const output = behaviour === "truncated" ? "x".repeat(2_500) : json;
        this.results.set(key, { instanceId: id, commandId, status: "Success", responseCode: 0, output });
        this.results.set(`full/${key}`, {
          instanceId: id,
          commandId,
          status: "Success",
          responseCode: 0,
          output: json,
        });
      }
    }
    return { commands: [{ commandId, instanceIds: [...request.instanceIds] }], rejected: [] };
  }

  async poll(commands: readonly SentCommand[]) {
    return commands.flatMap((c) =>
      c.instanceIds.map((id) => this.results.get(`${c.commandId}/${id}`) as InvocationObservation),
    );
  }

  async readOutput(commandId: string, instanceId: string) {
    this.outputsRead.push(instanceId);
    return this.results.get(`full/${commandId}/${instanceId}`)?.output;
  }
}

function world(fleet: FakeFleet, state = new MemoryStateStore(), deadlineMs = 30_000) {
  const posts: ChatMessage[] = [];
  /** The thread each post went to (undefined: a root or a message alone), in the order of `posts`. */
  const threads: (string | undefined)[] = [];
  cloudwatch.clear();
  const deps: FlowControlDeps = {
    alarms: alarmStates,
    inventory: fleet,
    commands: fleet,
    state,
    overrides: { list: async () => [] },
    notifier: {
      post: async (message, options = {}) => {
        posts.push(message);
        threads.push(options.threadTs);
        return { ok: true, ts: String(posts.length) };
      },
      update: async (ts) => ({ ok: true, ts }),
    },
    logger: createLogger({ write: () => undefined }),
    now: () => NOW,
    deadline: () => new Date(Date.now() + deadlineMs),
  };
  return { deps, posts, threads, state };
}

const WEB = {
  "i-0000000000000000a": "ok",
  "i-0000000000000000b": "ok",
  "i-0000000000000000c": "ok",
} as const;

/**
 * The world's deps with every read the send waits for held in flight 20 ms (reads made one after another
 * never overlap), counting how many were in flight at once; `alarms` slows DescribeAlarms too.
 */
function overlapping(deps: FlowControlDeps, fleet: FakeFleet, options: { alarms?: boolean } = {}) {
  const inFlight = new Set<string>();
  let mostAtOnce = 0;
  const slow = async <T>(name: string, read: () => Promise<T>): Promise<T> => {
    inFlight.add(name);
    mostAtOnce = Math.max(mostAtOnce, inFlight.size);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight.delete(name);
    return read();
  };
  const state = deps.state;
  const timed: FlowControlDeps = {
    ...deps,
    ...(options.alarms ? { alarms: { read: (names) => slow("alarms", () => alarmStates.read(names)) } } : {}),
    overrides: { list: () => slow("overrides", () => deps.overrides.list()) },
    state: {
      load: (key) => slow(`load ${key}`, () => state.load(key)),
      save: (key, value, options) => state.save(key, value, options),
      withLease: (key, work, options) => state.withLease(key, work, options),
    },
    inventory: { listInstances: (tag) => slow("inventory", () => fleet.listInstances(tag)) },
  };
  return { timed, mostAtOnce: () => mostAtOnce };
}

describe("handleAlarms", () => {
  it("starts every read the send waits for together: overrides, override memory, fleet state, inventory", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps } = world(fleet);
    const { timed, mostAtOnce } = overlapping(deps, fleet);
    const [decision] = await handleAlarms(timed, config(), [alarm("overload", "ALARM", 1)]);
    expect(decision?.outcome).toBe("applied");
    expect(mostAtOnce()).toBe(4);
  });

  it("confirms the alarm with CloudWatch while the reads are in flight, not before them", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps } = world(fleet);
    const { timed, mostAtOnce } = overlapping(deps, fleet, { alarms: true });
    const [decision] = await handleAlarms(timed, webOnly(), [alarm("overload", "ALARM", 1)]);
    expect(decision?.outcome).toBe("applied");
    expect(mostAtOnce()).toBe(5);
    // A forged notification read in the same round still sends nothing.
    const forged = alarm("overload", "ALARM", 0);
    cloudwatch.set("overload", { name: "overload", state: "OK", updatedAt: ago(0) });
    const sends = fleet.sends.length;
    const [refused] = await handleAlarms(timed, webOnly(), [forged]);
    expect(refused?.rule).toBe("unconfirmed");
    expect(fleet.sends).toHaveLength(sends);
  });

  it("sends while the claim's lock is being released, and waits for the release before it returns", async () => {
    const fleet = new FakeFleet({ web: { "i-0000000000000000a": "offline" } });
    const { deps, state } = world(fleet);
    const stage = webOnly({ fleets: [{ ...WEB_FLEET, minEngagedMinutes: 0 }] });
    // Closed by an earlier notification: the next one updates a stored version (under the lock).
    await handleAlarms(deps, stage, [alarm("overload", "ALARM", 3)]);
    const claimed = state.values.get(parameterKeys.fleetState("web"))?.version;
    const events: string[] = [];
    let release: () => void = () => undefined;
    const lockHolding: StateStore = {
      load: (key) => state.load(key),
      withLease: (key, work, options) => state.withLease(key, work, options),
      save: async (key, value, options) => {
        if (key === parameterKeys.fleetState("web")) events.push(`save v${options?.expectedVersion}`);
        const version = await state.save(key, value, options);
        if (typeof options?.expectedVersion === "number" && options.releaseLater) {
          events.push("lock release handed over");
          options.releaseLater(
            new Promise<void>((resolve) => {
              release = () => {
                events.push("lock released");
                resolve();
              };
            }),
          );
        }
        return version;
      },
    };
    const sending: FleetCommands = {
      send: async (request) => {
        events.push("SendCommand");
        // Released well after the run would otherwise have finished with this offline instance.
        setTimeout(() => release(), 100);
        return fleet.send(request);
      },
      poll: (commands) => fleet.poll(commands),
      readOutput: (commandId, instanceId) => fleet.readOutput(commandId, instanceId),
    };
    const [decision] = await handleAlarms({ ...deps, state: lockHolding, commands: sending }, stage, [
      alarm("overload-cleared", "ALARM", 1),
    ]);
    events.push("run returned");
    expect(decision?.outcome).toBe("failed");
    expect(decision?.observed.instances[0]?.status).toBe("undeliverable");
    expect(events).toEqual([
      `save v${claimed}`,
      "lock release handed over",
      "SendCommand",
      "lock released",
      "run returned",
    ]);
  });

  it("sends the intent to every instance of every fleet that maps the alarm, one Slack thread each", async () => {
    const fleet = new FakeFleet({ web: { ...WEB }, api: { "i-000000000000000a1": "ok" } });
    const { deps, posts, threads, state } = world(fleet);
    const decisions = await handleAlarms(deps, config(), [alarm("overload", "ALARM", 1)]);
    expect(decisions.map((d) => [d.target, d.rule, d.outcome])).toEqual([
      ["fleet web (Role=web)", "engage", "applied"],
      ["fleet api (Role=api)", "engage", "applied"],
    ]);
    expect(fleet.sends.map((s) => [s.action, s.instanceIds.length])).toEqual([
      ["close", 3],
      ["close", 1],
    ]);
    expect([...fleet.modes.values()].every((m) => m === "closed")).toBe(true);
    // Per fleet: the incident's root, then the decision as its first reply.
    expect(threads).toEqual([undefined, "1", undefined, "3"]);
    expect(posts.map((p) => p.text)).toEqual([
      expect.stringMatching(/^Flow control · fleet web \(Role=web\): flow control ENGAGED/),
      expect.stringMatching(/^fleet web \(Role=web\): flow control ENGAGED/),
      expect.stringMatching(/^Flow control · fleet api \(Role=api\): flow control ENGAGED/),
      expect.stringMatching(/^fleet api \(Role=api\): flow control ENGAGED/),
    ]);
    expect(stored(state).intent).toEqual({
      mode: "closed",
      admitRate: 0,
    });
  });

  it("retries a failed instance once and counts it converged when the retry works", async () => {
    const fleet = new FakeFleet({ web: { ...WEB, "i-0000000000000000c": "fails-once" } });
    const { deps } = world(fleet);
    const [decision] = await handleAlarms(deps, config(), [alarm("overload", "ALARM", 1)]);
    expect(decision?.outcome).toBe("applied");
    expect(fleet.sends.map((s) => s.instanceIds)).toEqual([Object.keys(WEB), ["i-0000000000000000c"]]);
    expect(decision?.observed.instances.find((i) => i.instanceId === "i-0000000000000000c")).toMatchObject({
      status: "converged",
      attempts: 2,
    });
  });

  it("does not retry an undeliverable instance, and reports the run as a partial failure", async () => {
    const fleet = new FakeFleet({ web: { ...WEB, "i-0000000000000000b": "offline" } });
    const { deps, posts } = world(fleet);
    const [decision] = await handleAlarms(deps, config(), [alarm("overload", "ALARM", 1)]);
    expect(fleet.sends).toHaveLength(1);
    expect(decision).toMatchObject({ outcome: "failed", severity: "critical" });
    expect(decision?.observed.counts).toEqual({ converged: 2, failed: 0, undeliverable: 1, running: 0 });
    expect(posts[0]?.severity).toBe("critical");
  });

  it("skips the retry when too little time is left, and says which instances are still running", async () => {
    const fleet = new FakeFleet({ web: { "i-0000000000000000a": "fails", "i-0000000000000000b": "hangs" } });
    const { deps } = world(fleet, new MemoryStateStore(), 500);
    const [decision] = await handleAlarms(deps, config(), [alarm("overload", "ALARM", 1)]);
    expect(fleet.sends).toHaveLength(1);
    expect(decision?.observed.instances.map((i) => i.status)).toEqual(["failed", "running"]);
  });

  it("fetches the full output when the listed Output was cut before flowctl's JSON line", async () => {
    const fleet = new FakeFleet({ web: { "i-0000000000000000a": "truncated" } });
    const { deps } = world(fleet);
    const [decision] = await handleAlarms(deps, config(), [alarm("overload", "ALARM", 1)]);
    expect(fleet.outputsRead).toEqual(["i-0000000000000000a"]);
    expect(decision?.observed.instances[0]?.status).toBe("converged");
  });

  it("re-plans after losing the race to a concurrent newer notification, finds itself stale and sends nothing", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const state = new MemoryStateStore();
    const { deps } = world(fleet, state);
    const newer: FleetState = {
      intent: { mode: "open", admitRate: 0 },
      source: { alarmName: "overload-cleared", state: "ALARM", stateChangeTime: ago(1) },
      appliedAt: ago(1),
      seen: [],
    };
    state.beforeSave = (key) => state.values.set(key, { value: newer, version: 1 });
    const [decision] = await handleAlarms(deps, webOnly(), [alarm("overload", "ALARM", 2)]);
    expect([decision?.rule, decision?.outcome]).toEqual(["stale", "ignored"]);
    expect(fleet.sends).toHaveLength(0);
  });

  it("gives up after three rounds of concurrent writers and reports it, sending nothing", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const state = new MemoryStateStore();
    state.save = async () => {
      throw new ConflictError("changed meanwhile");
    };
    const { deps } = world(fleet, state);
    const [decision] = await handleAlarms(deps, webOnly(), [alarm("overload", "ALARM", 1)]);
    expect(decision).toMatchObject({ outcome: "failed", error: { name: "ConflictError" } });
    expect(decision?.error?.message).toContain("kept changing while deciding (3 attempts)");
    expect(fleet.sends).toHaveLength(0);
  });

  it("in dry-run mode resolves the fleet, sends nothing and claims nothing", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps, state, posts } = world(fleet);
    const [decision] = await handleAlarms(deps, webOnly({ mode: "dry-run" }), [
      alarm("overload", "ALARM", 1),
    ]);
    expect(decision?.outcome).toBe("dry-run");
    expect(decision?.observed.wouldSendTo).toEqual(Object.keys(WEB));
    expect(fleet.sends).toHaveLength(0);
    expect(state.values.size).toBe(0);
    expect(posts[0]?.text).toContain("dry run — would send closed to 3 instances");
  });

  it("reports an unknown alarm without reading state or sending anything", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps, state, posts } = world(fleet);
    state.failLoads = true;
    const [decision] = await handleAlarms(deps, config(), [alarm("db-cpu", "ALARM", 1)]);
    expect([decision?.rule, decision?.outcome]).toEqual(["unknown-alarm", "ignored"]);
    expect(fleet.sends).toHaveLength(0);
    expect(posts[0]?.text).toContain("db-cpu");
  });

  it("turns an unreadable state into a failed decision that sent nothing, and carries on with the next fleet", async () => {
    const fleet = new FakeFleet({ web: { ...WEB }, api: { "i-000000000000000a1": "ok" } });
    const { deps, state } = world(fleet);
    state.failLoads = true;
    const decisions = await handleAlarms(deps, config(), [alarm("overload", "ALARM", 1)]);
    expect(decisions.map((d) => [d.rule, d.outcome])).toEqual([
      ["evaluation-failed", "failed"],
      ["evaluation-failed", "failed"],
    ]);
    expect(decisions[0]?.headline).toContain("could not evaluate — ThrottlingException");
    expect(fleet.sends).toHaveLength(0);
  });

  it("keeps the claimed intent when the fleet cannot be listed, so the converge run retries it", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps, state } = world(fleet);
    fleet.inventoryError = new Error("UnauthorizedOperation: ec2:DescribeInstances");
    const [decision] = await handleAlarms(deps, webOnly(), [alarm("overload", "ALARM", 1)]);
    expect(decision).toMatchObject({
      outcome: "failed",
      error: { message: "UnauthorizedOperation: ec2:DescribeInstances" },
    });
    expect(stored(state).intent.mode).toBe("closed");

    fleet.inventoryError = undefined;
    const [converged] = await convergeFleets(deps, webOnly(), schedule);
    expect([converged?.rule, converged?.outcome]).toEqual(["converge", "applied"]);
    expect([...fleet.modes.values()].every((m) => m === "closed")).toBe(true);
  });
});

describe("convergeFleets", () => {
  it("posts a failure once per episode, not on every scheduled run", async () => {
    const fleet = new FakeFleet({ web: { ...WEB, "i-0000000000000000c": "fails" } });
    const { deps, posts } = world(fleet);
    const cfg = webOnly();
    await handleAlarms(deps, cfg, [alarm("overload", "ALARM", 1)]);
    expect(posts).toHaveLength(2); // the incident's root and the partial failure in its thread
    const [first] = await convergeFleets(deps, cfg, schedule);
    const [second] = await convergeFleets(deps, cfg, schedule);
    expect([first?.outcome, second?.outcome]).toEqual(["failed", "failed"]);
    expect(posts).toHaveLength(2);
  });

  it("leaves a fleet flow control never touched alone", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps, posts } = world(fleet);
    const decisions = await convergeFleets(deps, config(), schedule);
    expect(decisions.map((d) => d.rule)).toEqual(["nothing-stored", "nothing-stored"]);
    expect(fleet.sends).toHaveLength(0);
    expect(posts).toHaveLength(0);
  });
});

describe("Slack incident threads", () => {
  const GRADED = {
    ...WEB_FLEET,
    alarms: [...WEB_FLEET.alarms, { alarmName: "queue", onAlarm: "admit 20" }],
  };
  const roots = (threads: (string | undefined)[]) => threads.filter((t) => t === undefined).length;

  it("keeps engage -> admission change -> release in one thread, and opens a new one for the next engage", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps, posts, threads, state } = world(fleet);
    const cfg = config({ fleets: [{ ...GRADED, minEngagedMinutes: 0 }] });
    for (const input of [
      alarm("overload", "ALARM", 10),
      alarm("queue", "ALARM", 8),
      alarm("overload-cleared", "ALARM", 6),
    ]) {
      await handleAlarms(deps, cfg, [input]);
    }
    expect(threads).toEqual([undefined, "1", "1", "1"]);
    expect(posts.slice(1).map((p) => p.text)).toEqual([
      expect.stringContaining("flow control ENGAGED"),
      expect.stringContaining("admission set to 20 new users/s"),
      expect.stringContaining("flow control released"),
    ]);
    expect(state.values.get("flow-control/threads/web")?.value).toMatchObject({
      ts: "1",
      closedAt: NOW.toISOString(),
      severity: "info",
    });

    await handleAlarms(deps, cfg, [alarm("overload", "ALARM", 4)]);
    expect(roots(threads)).toBe(2);
    expect(threads.at(-1)).toBe("5");
  });

  it("posts one message for a metric outage that turns every alarm of the fleet to INSUFFICIENT_DATA", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps, posts, threads, state } = world(fleet);
    const cfg = config({ fleets: [GRADED] });
    await handleAlarms(deps, cfg, [alarm("overload", "ALARM", 10)]);
    for (const name of ["overload", "queue", "overload-cleared"]) {
      const [held] = await handleAlarms(deps, cfg, [alarm(name, "INSUFFICIENT_DATA", 5)]);
      expect([held?.rule, held?.outcome]).toEqual(["insufficient-data", "held"]);
    }
    expect(posts.map((p) => p.text)).toEqual([
      expect.stringMatching(/^Flow control · /),
      expect.stringContaining("flow control ENGAGED"),
      expect.stringContaining("holding closed"),
    ]);
    expect(threads).toEqual([undefined, "1", "1"]);
    expect(stored(state).heldEpisode).toBe("insufficient-data:closed/0->-");

    // A held release is a different hold: posted once, however often its alarm flaps meanwhile.
    await handleAlarms(deps, cfg, [alarm("overload-cleared", "ALARM", 3)]);
    await handleAlarms(deps, cfg, [alarm("overload-cleared", "OK", 2)]);
    await handleAlarms(deps, cfg, [alarm("overload-cleared", "ALARM", 1)]);
    expect(posts).toHaveLength(4);
    expect(posts.at(-1)?.text).toContain("held by min-engaged-time");
    expect(fleet.sends).toHaveLength(1);
  });
});

describe("alarm states confirmed with CloudWatch", () => {
  it("sends nothing for a notification CloudWatch contradicts (a forged ALARM), and says why", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps, posts, state } = world(fleet);
    const forged = alarm("overload", "ALARM", 1);
    cloudwatch.set("overload", { name: "overload", state: "OK", updatedAt: ago(60) });
    const [decision] = await handleAlarms(deps, webOnly(), [forged]);
    expect(fleet.sends).toHaveLength(0);
    expect(state.values.size).toBe(0);
    expect([decision?.rule, decision?.outcome]).toEqual(["unconfirmed", "ignored"]);
    expect(decision?.guards).toEqual([
      {
        name: "alarm-state-confirmed",
        verdict: "blocked",
        detail: `DescribeAlarms says overload is OK (since ${ago(60)}), not ALARM`,
      },
    ]);
    expect(posts.map((p) => p.text).join("\n")).toContain("overload");
  });

  it("sends nothing for a configured alarm CloudWatch does not know", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps } = world(fleet);
    const forged = alarm("overload", "ALARM", 1);
    cloudwatch.delete("overload");
    const [decision] = await handleAlarms(deps, webOnly(), [forged]);
    expect(fleet.sends).toHaveLength(0);
    expect(decision?.guards[0]?.detail).toMatch(
      /does not know an alarm named overload \(deleted, never created/,
    );
  });

  it("reads the states once per invocation, only for configured alarms, and fails (retryable) when it cannot", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps } = world(fleet);
    const reads: string[][] = [];
    deps.alarms = {
      read: async (names) => {
        reads.push([...names]);
        return alarmStates.read(names);
      },
    };
    await handleAlarms(deps, webOnly(), [
      alarm("overload", "ALARM", 3),
      alarm("db-cpu", "ALARM", 2),
      alarm("overload-cleared", "OK", 1),
    ]);
    expect(reads).toEqual([["overload", "overload-cleared"]]);
    deps.alarms = { read: async () => Promise.reject(new Error("Throttling")) };
    const failed = handleAlarms(deps, webOnly(), [alarm("overload", "ALARM", 0)]);
    await expect(failed).rejects.toMatchObject({ name: "TransientAwsError", retryable: true });
  });

  it("closes the fleet at the next scheduled run when the ALARM's notification never arrived", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps, state } = world(fleet);
    cloudwatch.set("overload", { name: "overload", state: "ALARM", reason: "CPU 93%", updatedAt: ago(3) });
    const [decision] = await convergeFleets(deps, webOnly(), schedule);
    expect([decision?.rule, decision?.outcome, decision?.after.mode]).toEqual([
      "engage",
      "applied",
      "closed",
    ]);
    expect(decision?.observed.signal?.reason).toMatch(/no notification of it was handled.*CPU 93%/);
    expect(fleet.sends.map((s) => s.action)).toEqual(["close"]);
    expect(stored(state).source).toMatchObject({ alarmName: "overload", state: "ALARM" });
    // The next run finds the fleet serving what the alarm asks: a plain converge.
    const [next] = await convergeFleets(deps, webOnly(), schedule);
    expect(next?.rule).toBe("converge");
  });

  it("does not re-apply an alarm state older than the intent in force", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps } = world(fleet);
    const cfg = webOnly({ fleets: [{ ...WEB_FLEET, minEngagedMinutes: 0 }] });
    await handleAlarms(deps, cfg, [alarm("overload", "ALARM", 10)]);
    await handleAlarms(deps, cfg, [alarm("overload-cleared", "ALARM", 5)]);
    // The engage alarm is still in ALARM (since before the release): not news.
    expect(cloudwatch.get("overload")?.state).toBe("ALARM");
    const [decision] = await convergeFleets(deps, cfg, schedule);
    expect([decision?.rule, decision?.after.mode]).toEqual(["converge", "open"]);
  });

  it("converges to the stored intent when the alarm states cannot be read", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps } = world(fleet);
    await handleAlarms(deps, webOnly(), [alarm("overload", "ALARM", 1)]);
    deps.alarms = { read: async () => Promise.reject(new Error("AccessDenied")) };
    const [decision] = await convergeFleets(deps, webOnly(), schedule);
    expect([decision?.rule, decision?.after.mode]).toEqual(["converge", "closed"]);
  });
});

describe("the fleet state stays within a standard SSM parameter (4 KB)", () => {
  it("bounds a 300-instance fleet that does not converge, with 255-character alarm names", async () => {
    const long = (name: string) => `${name}-${"x".repeat(255 - name.length - 1)}`;
    const instances = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`i-${String(i).padStart(17, "0")}`, "fails" as const]),
    );
    const fleet = new FakeFleet({ web: instances });
    const { deps, state } = world(fleet);
    const cfg = webOnly({
      fleets: [
        {
          ...WEB_FLEET,
          minEngagedMinutes: 0,
          alarms: [
            { alarmName: long("overload"), onAlarm: "close" },
            { alarmName: long("overload-cleared"), onAlarm: "open" },
          ],
        },
      ],
    });
    // 20 notifications remembered for duplicate detection, each with a long alarm name.
    for (let i = 25; i > 0; i--) {
      await handleAlarms(deps, cfg, [alarm(long(i % 2 ? "overload" : "overload-cleared"), "ALARM", i)]);
    }
    await convergeFleets(deps, cfg, schedule);
    const saved = stored(state);
    expect(Buffer.byteLength(JSON.stringify(saved))).toBeLessThanOrEqual(4_096);
    expect(saved.seen).toHaveLength(20);
    expect(saved.unconverged).toHaveLength(40);
    expect(saved.unconvergedCount).toBe(300);
  });
});

describe("alarm states a scheduled run cannot order", () => {
  it("are no news: without a time, or dated after the function's clock", async () => {
    const fleet = new FakeFleet({ web: { ...WEB } });
    const { deps } = world(fleet);
    cloudwatch.set("overload", { name: "overload", state: "ALARM" });
    cloudwatch.set("overload-cleared", {
      name: "overload-cleared",
      state: "ALARM",
      updatedAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
    });
    const [decision] = await convergeFleets(deps, webOnly(), schedule);
    expect(decision?.rule).toBe("nothing-stored");
    expect(fleet.sends).toHaveLength(0);
  });
});
