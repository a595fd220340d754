/** CommandInvocationStatus / CommandPluginStatus in the SSM API. */
export type InvocationStatus = "Pending" | "InProgress" | "Success" | "Cancelled" | "Failed" | "TimedOut";
/** StatusDetails tells the two TimedOut cases apart: only ExecutionTimedOut counts toward MaxErrors. */
export type StatusDetails =
  | "Pending"
  | "InProgress"
  | "Success"
  | "Failed"
  | "DeliveryTimedOut"
  | "ExecutionTimedOut"
  | "Cancelled";

export interface PluginRecord {
  readonly name: string;
  status: InvocationStatus;
  statusDetails: StatusDetails;
  /** -1 until the script has run, as in SSM. */
  responseCode: number;
  startedAt?: Date;
  finishedAt?: Date;
  stdout: string;
  stderr: string;
}

export interface InvocationRecord {
  readonly commandId: string;
  readonly instanceId: string;
  readonly instanceName: string;
  status: InvocationStatus;
  statusDetails: StatusDetails;
  /** Handed to the instance (holds a MaxConcurrency slot) — it may still be waiting for an offline agent. */
  dispatched: boolean;
  readonly plugins: PluginRecord[];
}

export interface PreparedStep {
  readonly name: string;
  readonly script: string;
  readonly workingDirectory?: string;
  readonly timeoutSeconds?: number;
}

export interface CommandRecord {
  readonly commandId: string;
  readonly documentName: string;
  readonly documentVersion: string;
  readonly comment: string;
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  readonly requestedInstanceIds: readonly string[];
  readonly targets: readonly { readonly Key: string; readonly Values: readonly string[] }[];
  readonly requestedAt: Date;
  /** Before this instant GetCommandInvocation says InvocationDoesNotExist (epoch ms). */
  readonly visibleAtMs: number;
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly concurrencyLimit: number;
  readonly errorLimit: number;
  readonly timeoutSeconds: number;
  readonly expiresAt: Date;
  readonly steps: readonly PreparedStep[];
  readonly invocations: readonly InvocationRecord[];
  inFlight: number;
  /** Instances a CancelCommand named (all of them when it named none). */
  readonly cancelledInstances: Set<string>;
}

const TERMINAL: ReadonlySet<InvocationStatus> = new Set(["Success", "Cancelled", "Failed", "TimedOut"]);

export function isTerminal(status: InvocationStatus): boolean {
  return TERMINAL.has(status);
}

/** Failed and ExecutionTimedOut count toward MaxErrors; delivery timeouts and cancellations do not. */
export function errorCount(command: CommandRecord): number {
  return command.invocations.filter(
    (invocation) => invocation.status === "Failed" || invocation.statusDetails === "ExecutionTimedOut",
  ).length;
}

/**
 * The command's aggregate status, following "Understanding command statuses" as closely as the docs allow:
 * @example 3 Success -> Success; 1 Failed with MaxErrors 0 -> Failed; 2 Success + 1 DeliveryTimedOut -> Failed/Incomplete
 */
export function commandStatus(command: CommandRecord): { status: string; details: string } {
  const invocations = command.invocations;
  const done = invocations.filter((invocation) => isTerminal(invocation.status));
  if (done.length < invocations.length) {
    if (command.cancelledInstances.size > 0) return { status: "Cancelling", details: "Cancelling" };
    const started = invocations.some((invocation) => invocation.dispatched || isTerminal(invocation.status));
    return started
      ? { status: "InProgress", details: "InProgress" }
      : { status: "Pending", details: "Pending" };
  }
  const count = (details: StatusDetails) => invocations.filter((i) => i.statusDetails === details).length;
  if (count("Success") === invocations.length) return { status: "Success", details: "Success" };
  if (command.cancelledInstances.size > 0) return { status: "Cancelled", details: "Cancelled" };
  if (errorCount(command) > command.errorLimit) {
    return count("Failed") > 0
      ? { status: "Failed", details: "Failed" }
      : { status: "TimedOut", details: "ExecutionTimedOut" };
  }
  if (count("DeliveryTimedOut") === invocations.length)
    return { status: "TimedOut", details: "DeliveryTimedOut" };
  return { status: "Failed", details: "Incomplete" };
}
