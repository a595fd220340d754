import { describeIntent } from "./intent";
import type { FlowIntent, FlowMode } from "./types";

/**
 * One instance at the end of a run: it serves the intent (converged), flowctl or the step failed (failed),
 * SSM could not hand it the command (undeliverable: agent offline, not a managed instance), or it had not
 * finished when the run's time was up (running).
 */
export type InstanceStatus = "converged" | "failed" | "undeliverable" | "running";

export interface InstanceResult {
  instanceId: string;
  status: InstanceStatus;
  /** flowctl's mode when it exits (after a rollback: the restored one). */
  mode?: FlowMode | "unknown";
  admitRate?: number;
  changed?: boolean;
  /** The step's exit code (flowctl's exit code: see infra/instance/flowctl). */
  exitCode?: number;
  /** flowctl's message, or why there is none. */
  message: string;
  /** SendCommand attempts for this instance in this run (a failed instance is retried once). */
  attempts: number;
  commandId?: string;
}

/** The single JSON line flowctl prints on stdout. */
export interface FlowctlReport {
  ok: boolean;
  action: string;
  mode: FlowMode | "unknown";
  admitRate: number;
  servedMode: FlowMode | "unknown";
  changed: boolean;
  elapsedMs: number;
  message: string;
}

/** What SSM says about one instance's invocation, independent of the API call it came from. */
export interface InvocationObservation {
  instanceId: string;
  commandId?: string;
  /** undefined: no invocation visible (yet): right after SendCommand SSM does not list it. */
  status?: string;
  statusDetails?: string;
  /** -1 until the step ran. */
  responseCode?: number;
  /** stdout (possibly followed by stderr, as the agent's combined Output is). */
  output: string;
}

const MODES = new Set(["open", "closed", "admitting", "unknown"]);

/**
 * Finds flowctl's JSON line in an invocation's output. The agent's combined Output appends stderr after
 * an "----------ERROR-------" banner, so the line is looked for, not assumed to be the whole text.
 * @example '{"ok":true,"action":"close","mode":"closed",...}\n----------ERROR-------\nflowctl: ...' -> the report
 */
export function parseFlowctlOutput(output: string): FlowctlReport | undefined {
  for (const line of output.split("\n").slice(0, 20)) {
    const text = line.trim();
    if (!text.startsWith("{")) continue;
    try {
      const value = JSON.parse(text) as Partial<FlowctlReport>;
      if (
        typeof value.ok === "boolean" &&
        typeof value.mode === "string" &&
        MODES.has(value.mode) &&
        typeof value.message === "string"
      ) {
        return {
          ok: value.ok,
          action: String(value.action ?? ""),
          mode: value.mode,
          admitRate: typeof value.admitRate === "number" ? value.admitRate : 0,
          servedMode: MODES.has(String(value.servedMode))
            ? (value.servedMode as FlowctlReport["servedMode"])
            : "unknown",
          changed: value.changed === true,
          elapsedMs: typeof value.elapsedMs === "number" ? value.elapsedMs : 0,
          message: value.message,
        };
      }
    } catch {
      // not JSON: a diagnostic line, keep looking
    }
  }
  return undefined;
}

/** SSM spells StatusDetails "DeliveryTimedOut" in the API and "Delivery Timed Out" in the docs. */
function normalised(value: string | undefined): string {
  return (value ?? "").replace(/\s+/g, "").toLowerCase();
}

const RUNNING = new Set(["pending", "inprogress", "delayed", "cancelling"]);

/** True once SSM will not change this invocation any more. */
export function isFinished(observation: InvocationObservation): boolean {
  return observation.status !== undefined && !RUNNING.has(normalised(observation.status));
}

/**
 * Turns SSM's view of one invocation into the instance's result for the wanted intent.
 * @example Success + '{"ok":true,"mode":"closed",...}' for closed -> converged;
 *   TimedOut/DeliveryTimedOut -> undeliverable; Failed exit 9 + flowctl JSON -> failed with flowctl's message
 */
export function classifyInvocation(
  observation: InvocationObservation,
  intent: FlowIntent,
  attempts: number,
): InstanceResult {
  const base = {
    instanceId: observation.instanceId,
    attempts,
    ...(observation.commandId ? { commandId: observation.commandId } : {}),
  };
  const status = normalised(observation.status);
  const details = normalised(observation.statusDetails);
  if (observation.status === undefined) {
    return {
      ...base,
      status: "running",
      message: "no invocation visible yet (SSM lists it shortly after SendCommand)",
    };
  }
  if (details === "deliverytimedout") {
    return {
      ...base,
      status: "undeliverable",
      message:
        "not delivered: the SSM agent did not pick the command up before the delivery timeout (agent offline?)",
    };
  }
  if (details === "undeliverable" || status === "undeliverable") {
    return {
      ...base,
      status: "undeliverable",
      message: "undeliverable: SSM cannot reach the instance (stopped, terminated or agent not registered)",
    };
  }
  if (RUNNING.has(status)) {
    return {
      ...base,
      status: "running",
      message:
        status === "pending"
          ? "Pending: not delivered yet (agent offline?)"
          : `${observation.status}: flowctl still running`,
    };
  }
  const report = parseFlowctlOutput(observation.output);
  const exitCode =
    observation.responseCode !== undefined && observation.responseCode >= 0
      ? { exitCode: observation.responseCode }
      : {};
  const fromReport = report
    ? { mode: report.mode, admitRate: report.admitRate, changed: report.changed, message: report.message }
    : {};
  if (status === "success") {
    if (report === undefined) {
      return {
        ...base,
        ...exitCode,
        status: "failed",
        message: `exit 0 but no flowctl JSON line: ${excerpt(observation.output)}`,
      };
    }
    const served =
      report.mode === intent.mode && (intent.mode !== "admitting" || report.admitRate === intent.admitRate);
    if (!report.ok || !served) {
      return {
        ...base,
        ...exitCode,
        ...fromReport,
        status: "failed",
        message: `flowctl reports mode ${report.mode}${report.mode === "admitting" ? ` at ${report.admitRate}/s` : ""}, wanted ${describeIntent(intent)}: ${report.message}`,
      };
    }
    return { ...base, ...exitCode, ...fromReport, status: "converged", message: report.message };
  }
  const why =
    report?.message ??
    (details === "executiontimedout"
      ? "flowctl did not finish within the step timeout and was killed"
      : status === "cancelled" || details === "terminated"
        ? "cancelled before it ran (MaxErrors reached or the command was cancelled)"
        : `${observation.status}${observation.statusDetails ? `/${observation.statusDetails}` : ""}: ${excerpt(observation.output)}`);
  return { ...base, ...exitCode, ...fromReport, status: "failed", message: why };
}

/** Failed instances get one more SendCommand in the same run; undeliverable ones would only time out again. */
export function instancesToRetry(results: readonly InstanceResult[]): string[] {
  return results.filter((r) => r.status === "failed").map((r) => r.instanceId);
}

export function countByStatus(results: readonly InstanceResult[]): Record<InstanceStatus, number> {
  const counts: Record<InstanceStatus, number> = { converged: 0, failed: 0, undeliverable: 0, running: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}

function excerpt(output: string): string {
  const text = output.trim().replace(/\s+/g, " ");
  if (text === "") return "(no output)";
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
