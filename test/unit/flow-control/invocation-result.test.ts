import { describe, expect, it } from "vitest";
import { CLOSED } from "../../../shared/flow-control/domain/intent";
import {
  classifyInvocation,
  type InstanceResult,
  type InvocationObservation,
  instancesToRetry,
  isFinished,
  parseFlowctlOutput,
} from "../../../shared/flow-control/domain/invocation-result";

const ID = "i-0123456789abcdef0";
const flowctl = (fields: Record<string, unknown>) =>
  JSON.stringify({
    ok: true,
    action: "close",
    mode: "closed",
    admitRate: 0,
    servedMode: "closed",
    changed: true,
    elapsedMs: 57,
    message: "open -> closed, served 4ms after set map",
    ...fields,
  });
const seen = (fields: Partial<InvocationObservation>): InvocationObservation => ({
  instanceId: ID,
  commandId: "c0ffee00-0000-4000-8000-000000000001",
  output: "",
  ...fields,
});

describe("classifyInvocation", () => {
  it.each<[string, InvocationObservation, Partial<InstanceResult>]>([
    [
      "counts an instance as converged when flowctl serves the wanted mode",
      seen({ status: "Success", statusDetails: "Success", responseCode: 0, output: `${flowctl({})}\n` }),
      {
        status: "converged",
        mode: "closed",
        changed: true,
        exitCode: 0,
        message: "open -> closed, served 4ms after set map",
      },
    ],
    [
      "counts an instance already in the mode as converged and unchanged",
      seen({
        status: "Success",
        responseCode: 0,
        output: flowctl({ changed: false, message: "already closed; nothing changed" }),
      }),
      { status: "converged", changed: false },
    ],
    [
      "reports flowctl's own message and exit code when it fails",
      seen({
        status: "Failed",
        statusDetails: "Failed",
        responseCode: 9,
        output: `${flowctl({ ok: false, mode: "open", changed: false, message: "HAProxy admin socket /run/haproxy/admin.sock not reachable; nothing changed" })}\n----------ERROR-------\nflowctl: HAProxy admin socket not reachable\nfailed to run commands: exit status 9`,
      }),
      {
        status: "failed",
        exitCode: 9,
        mode: "open",
        message: "HAProxy admin socket /run/haproxy/admin.sock not reachable; nothing changed",
      },
    ],
    [
      "treats exit 0 without flowctl's JSON line as a failure, quoting the output",
      seen({ status: "Success", responseCode: 0, output: "bash: flowctl: command not found" }),
      { status: "failed", message: "exit 0 but no flowctl JSON line: bash: flowctl: command not found" },
    ],
    [
      "treats a success that serves another mode as a failure",
      seen({ status: "Success", responseCode: 0, output: flowctl({ mode: "open", message: "rolled back" }) }),
      { status: "failed", mode: "open" },
    ],
    [
      "calls an agent that never picked the command up undeliverable",
      seen({ status: "TimedOut", statusDetails: "DeliveryTimedOut", responseCode: -1 }),
      { status: "undeliverable" },
    ],
    [
      "reads the documented spelling 'Delivery Timed Out' the same way",
      seen({ status: "TimedOut", statusDetails: "Delivery Timed Out" }),
      { status: "undeliverable" },
    ],
    [
      "calls an instance SSM cannot reach undeliverable",
      seen({ status: "Failed", statusDetails: "Undeliverable" }),
      { status: "undeliverable" },
    ],
    [
      "counts a killed, hung flowctl as failed",
      seen({ status: "TimedOut", statusDetails: "ExecutionTimedOut", responseCode: 137 }),
      {
        status: "failed",
        exitCode: 137,
        message: "flowctl did not finish within the step timeout and was killed",
      },
    ],
    [
      "counts an invocation cancelled after MaxErrors as failed, so it is retried",
      seen({ status: "Cancelled", statusDetails: "Cancelled", responseCode: -1 }),
      {
        status: "failed",
        message: "cancelled before it ran (MaxErrors reached or the command was cancelled)",
      },
    ],
    [
      "reports a command still in progress at the deadline as running",
      seen({ status: "InProgress", statusDetails: "InProgress" }),
      { status: "running" },
    ],
    [
      "reports an undelivered command at the deadline as running, hinting at the agent",
      seen({ status: "Pending", statusDetails: "Pending" }),
      { status: "running", message: "Pending: not delivered yet (agent offline?)" },
    ],
    ["never reads an invocation SSM has not listed yet as finished", seen({}), { status: "running" }],
  ])("%s", (_name, observation, expected) => {
    expect(classifyInvocation(observation, CLOSED, 1)).toMatchObject({
      instanceId: ID,
      attempts: 1,
      ...expected,
    });
  });

  it("finds the JSON line after diagnostic lines and ignores JSON that is not flowctl's", () => {
    expect(parseFlowctlOutput(`{"unrelated":true}\nnoise\n${flowctl({})}`)?.mode).toBe("closed");
    expect(parseFlowctlOutput("")).toBeUndefined();
    expect(parseFlowctlOutput('{"ok": tru')).toBeUndefined();
  });

  it("is finished only in a terminal SSM status", () => {
    expect(isFinished(seen({}))).toBe(false);
    expect(isFinished(seen({ status: "Pending" }))).toBe(false);
    expect(isFinished(seen({ status: "Delayed" }))).toBe(false);
    expect(isFinished(seen({ status: "Success" }))).toBe(true);
    expect(isFinished(seen({ status: "TimedOut" }))).toBe(true);
  });

  it("retries failed instances only, not undeliverable or running ones", () => {
    const results = [
      { instanceId: "i-1", status: "failed", message: "", attempts: 1 },
      { instanceId: "i-2", status: "undeliverable", message: "", attempts: 1 },
      { instanceId: "i-3", status: "running", message: "", attempts: 1 },
      { instanceId: "i-4", status: "converged", message: "", attempts: 1 },
    ] satisfies InstanceResult[];
    expect(instancesToRetry(results)).toEqual(["i-1"]);
  });
});
