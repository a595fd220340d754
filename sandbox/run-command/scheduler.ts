import { resolve as resolvePath } from "node:path";
import { type RunningScript, runScript } from "./executor";
import {
  type CommandRecord,
  errorCount,
  type InvocationRecord,
  isTerminal,
  type PluginRecord,
} from "./invocations";
import type { LocalInstance } from "./types";

/** runShellScript's default step timeout. */
const DEFAULT_STEP_TIMEOUT_SECONDS = 3_600;

export interface SchedulerOptions {
  readonly instances: ReadonlyMap<string, LocalInstance>;
  readonly pathPrepend: readonly string[];
  readonly deliveryTimeoutMs: number;
  readonly executionTimeoutMs?: number;
  /** The delivery model: ms from hand-out to the agent starting the script on an online instance. */
  readonly deliveryLatencyMs: (instanceId: string) => number;
}

interface WaitingDelivery {
  readonly command: CommandRecord;
  readonly invocation: InvocationRecord;
  readonly timer: NodeJS.Timeout;
  /** offline: waits for the agent (or the delivery timeout); in-transit: delivered when the timer fires. */
  readonly kind: "offline" | "in-transit";
}

/**
 * Moves invocations through Pending -> InProgress -> Success | Failed | TimedOut, like the SSM service and agent:
 * at most MaxConcurrency invocations of a command are handed out at once; once more than MaxErrors have
 * failed, the ones not handed out yet end Cancelled. An offline instance keeps its invocation Pending until
 * it comes online or the delivery timeout ends it DeliveryTimedOut.
 */
export class Scheduler {
  private readonly running = new Map<InvocationRecord, RunningScript>();
  private readonly waiting = new Set<WaitingDelivery>();
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(command: CommandRecord): void {
    this.pump(command);
  }

  /** Delivers what waits for the instance when it comes online (the agent reconnecting). */
  instanceCameOnline(instanceId: string): void {
    for (const entry of [...this.waiting]) {
      if (entry.invocation.instanceId !== instanceId || entry.kind !== "offline") continue;
      clearTimeout(entry.timer);
      this.waiting.delete(entry);
      void this.execute(entry.command, entry.invocation);
    }
  }

  /** CancelCommand: undelivered invocations end Cancelled at once, running scripts are killed. */
  cancel(command: CommandRecord, instanceIds: ReadonlySet<string> | undefined): void {
    const chosen = (invocation: InvocationRecord) =>
      instanceIds === undefined || instanceIds.has(invocation.instanceId);
    for (const invocation of command.invocations) {
      if (!chosen(invocation) || isTerminal(invocation.status)) continue;
      command.cancelledInstances.add(invocation.instanceId);
      if (!invocation.dispatched) end(invocation, "Cancelled", "Cancelled");
    }
    for (const entry of [...this.waiting]) {
      if (entry.command !== command || !chosen(entry.invocation)) continue;
      clearTimeout(entry.timer);
      this.waiting.delete(entry);
      end(entry.invocation, "Cancelled", "Cancelled");
      this.finish(command);
    }
    for (const [invocation, script] of this.running) {
      if (invocation.commandId === command.commandId && chosen(invocation)) void script.kill();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.waiting) clearTimeout(entry.timer);
    this.waiting.clear();
    await Promise.all([...this.running.values()].map((script) => script.kill()));
  }

  private pump(command: CommandRecord): void {
    if (this.stopped) return;
    for (;;) {
      if (errorCount(command) > command.errorLimit) {
        for (const invocation of command.invocations) {
          if (!invocation.dispatched && invocation.status === "Pending")
            end(invocation, "Cancelled", "Cancelled");
        }
        return;
      }
      if (command.inFlight >= command.concurrencyLimit) return;
      const next = command.invocations.find(
        (invocation) => !invocation.dispatched && invocation.status === "Pending",
      );
      if (next === undefined) return;
      next.dispatched = true;
      command.inFlight += 1;
      if (this.instance(next).online) {
        this.deliver(command, next);
      } else {
        this.awaitDelivery(command, next);
      }
    }
  }

  /**
   * Delivery to an online agent. Run Command pushes a command to the agent over the control channel the
   * agent keeps open (Message Gateway Service; ec2messages where that is not allowed), so the agent does
   * not poll on a timer and there is no polling interval to add. AWS publishes no figure for that delivery,
   * so the stand-in takes it as a stated per-instance latency: 0 = delivered the moment it is handed out.
   * The invocation stays Pending meanwhile, as in SSM until the agent acknowledges the message.
   */
  private deliver(command: CommandRecord, invocation: InvocationRecord): void {
    const latencyMs = this.options.deliveryLatencyMs(invocation.instanceId);
    if (latencyMs <= 0) {
      void this.execute(command, invocation);
      return;
    }
    const entry: WaitingDelivery = {
      command,
      invocation,
      kind: "in-transit",
      timer: setTimeout(() => {
        this.waiting.delete(entry);
        void this.execute(command, invocation);
      }, latencyMs),
    };
    this.waiting.add(entry);
  }

  private awaitDelivery(command: CommandRecord, invocation: InvocationRecord): void {
    const entry: WaitingDelivery = {
      command,
      invocation,
      kind: "offline",
      timer: setTimeout(() => {
        this.waiting.delete(entry);
        end(invocation, "TimedOut", "DeliveryTimedOut");
        this.finish(command);
      }, this.options.deliveryTimeoutMs),
    };
    this.waiting.add(entry);
  }

  private async execute(command: CommandRecord, invocation: InvocationRecord): Promise<void> {
    const instance = this.instance(invocation);
    invocation.status = "InProgress";
    invocation.statusDetails = "InProgress";
    const cancelled = () => command.cancelledInstances.has(invocation.instanceId);
    for (const [index, step] of command.steps.entries()) {
      const plugin = invocation.plugins[index] as PluginRecord;
      if (this.stopped || cancelled()) {
        setPlugin(plugin, "Cancelled", "Cancelled");
        continue;
      }
      plugin.status = "InProgress";
      plugin.statusDetails = "InProgress";
      plugin.startedAt = new Date();
      const script = runScript({
        script: step.script,
        cwd:
          step.workingDirectory === undefined
            ? instance.cwd
            : resolvePath(instance.cwd, step.workingDirectory),
        env: {
          ...instance.env,
          PATH: [...this.options.pathPrepend, instance.env.PATH ?? process.env.PATH ?? ""].join(":"),
        },
        timeoutMs: Math.min(
          this.options.executionTimeoutMs ?? Number.POSITIVE_INFINITY,
          (step.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS) * 1000,
        ),
      });
      this.running.set(invocation, script);
      const result = await script.result;
      this.running.delete(invocation);
      plugin.finishedAt = new Date();
      plugin.stdout = result.stdout;
      plugin.stderr = result.stderr;
      plugin.responseCode = result.exitCode;
      if (result.timedOut) setPlugin(plugin, "TimedOut", "ExecutionTimedOut");
      else if (cancelled() && result.exitCode !== 0) setPlugin(plugin, "Cancelled", "Cancelled");
      else if (result.exitCode === 0) setPlugin(plugin, "Success", "Success");
      else setPlugin(plugin, "Failed", "Failed");
    }
    // The invocation reports its worst plugin.
    const worst =
      invocation.plugins.find((plugin) => plugin.statusDetails === "ExecutionTimedOut") ??
      invocation.plugins.find((plugin) => plugin.status === "Failed") ??
      invocation.plugins.find((plugin) => plugin.status === "Cancelled");
    invocation.status = worst?.status ?? "Success";
    invocation.statusDetails = worst?.statusDetails ?? "Success";
    this.finish(command);
  }

  private finish(command: CommandRecord): void {
    command.inFlight -= 1;
    this.pump(command);
  }

  private instance(invocation: InvocationRecord): LocalInstance {
    const instance = this.options.instances.get(invocation.instanceId);
    if (instance === undefined) throw new Error(`no local instance ${invocation.instanceId}`);
    return instance;
  }
}

function setPlugin(
  plugin: PluginRecord,
  status: PluginRecord["status"],
  details: PluginRecord["statusDetails"],
): void {
  plugin.status = status;
  plugin.statusDetails = details;
}

/** Ends an invocation that never ran: its plugins share its fate and keep ResponseCode -1. */
function end(
  invocation: InvocationRecord,
  status: InvocationRecord["status"],
  details: InvocationRecord["statusDetails"],
): void {
  invocation.status = status;
  invocation.statusDetails = details;
  for (const plugin of invocation.plugins) setPlugin(plugin, status, details);
}
