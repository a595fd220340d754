import {
  type CommandInvocation,
  type CommandInvocationStatus,
  type CommandPluginStatus,
  GetCommandInvocationCommand,
  InvalidInstanceId,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createSsmFleetCommands } from "../../../shared/adapters/aws/ssm-fleet-commands";

const ssm = mockClient(SSMClient);
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i + 1).padStart(17, "0")}`);
const COMMAND = "11111111-2222-4333-8444-555555555555";
const sleeps: number[] = [];
const commands = (pollIntervalMs = 100) =>
  createSsmFleetCommands(new SSMClient({ region: "eu-west-1" }), {
    documentName: "TrafficAutopilot-FlowControl",
    maxConcurrency: "10",
    maxErrors: "50%",
    deliveryTimeoutSeconds: 30,
    pollIntervalMs,
    deadline: () => new Date(Date.now() + 10_000),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
const invocation = (
  instanceId: string,
  status: CommandInvocationStatus,
  output = "",
  code = 0,
): CommandInvocation => ({
  CommandId: COMMAND,
  InstanceId: instanceId,
  Status: status,
  StatusDetails: status,
  CommandPlugins: [
    {
      Name: "flowctl",
      Status: status as CommandPluginStatus,
      ResponseCode: status === "Success" ? code : -1,
      Output: output,
    },
  ],
});

beforeEach(() => {
  ssm.reset();
  sleeps.length = 0;
});

describe("SSM fleet commands", () => {
  it("sends our document in chunks of at most 50 instance ids, with the configured rate controls", async () => {
    let n = 0;
    ssm.on(SendCommandCommand).callsFake(async () => ({ Command: { CommandId: `cmd-${++n}` } }));
    const result = await commands().send({
      instanceIds: ids(120),
      action: "admit 20",
      comment: "traffic-autopilot web: admit",
    });
    const calls = ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.InstanceIds?.length)).toEqual([50, 50, 20]);
    expect(calls[0]).toMatchObject({
      DocumentName: "TrafficAutopilot-FlowControl",
      Parameters: { action: ["admit 20"] },
      MaxConcurrency: "10",
      MaxErrors: "50%",
      TimeoutSeconds: 30,
      Comment: "traffic-autopilot web: admit",
    });
    expect(calls.flatMap((c) => c.InstanceIds)).toEqual(ids(120));
    expect(result.commands.map((c) => c.commandId)).toEqual(["cmd-1", "cmd-2", "cmd-3"]);
    expect(result.rejected).toEqual([]);
  });

  it("isolates an instance SSM does not manage by splitting its chunk, and still reaches the others", async () => {
    const bad = ids(5)[3];
    ssm.on(SendCommandCommand).callsFake(async (input: { InstanceIds: string[] }) => {
      if (input.InstanceIds.includes(bad as string)) {
        throw new InvalidInstanceId({ message: "Instances not in a valid state for account", $metadata: {} });
      }
      return { Command: { CommandId: `cmd-${input.InstanceIds.join("+")}` } };
    });
    const result = await commands().send({ instanceIds: ids(5), action: "close", comment: "c" });
    expect(result.rejected).toEqual([expect.objectContaining({ instanceId: bad, kind: "not-managed" })]);
    expect(result.commands.flatMap((c) => c.instanceIds).sort()).toEqual(ids(5).filter((id) => id !== bad));
    expect(ssm.commandCalls(SendCommandCommand).length).toBeLessThanOrEqual(2 * 5 - 1);
  });

  it("reports a chunk SendCommand refused (access denied) as rejected with the reason, without throwing", async () => {
    ssm.on(SendCommandCommand).rejects(
      Object.assign(new Error("User is not authorized to perform: ssm:SendCommand"), {
        name: "AccessDeniedException",
      }),
    );
    const result = await commands().send({ instanceIds: ids(2), action: "close", comment: "c" });
    expect(result.commands).toEqual([]);
    expect(result.rejected).toEqual(
      ids(2).map((instanceId) => ({
        instanceId,
        kind: "error",
        reason:
          "SendCommand failed: AccessDeniedException: User is not authorized to perform: ssm:SendCommand",
      })),
    );
  });

  it("reads the empty list right after SendCommand as 'not yet' and polls until every invocation finished", async () => {
    const [a, b] = ids(2) as [string, string];
    ssm
      .on(ListCommandInvocationsCommand)
      .resolvesOnce({ CommandInvocations: [] })
      .resolvesOnce({ CommandInvocations: [invocation(a, "InProgress"), invocation(b, "Pending")] })
      .resolves({ CommandInvocations: [invocation(a, "Success", '{"ok":true}'), invocation(b, "Success")] });
    const observations = await commands().poll(
      [{ commandId: COMMAND, instanceIds: [a, b] }],
      new Date(Date.now() + 10_000),
    );
    expect(observations.map((o) => [o.instanceId, o.status, o.responseCode])).toEqual([
      [a, "Success", 0],
      [b, "Success", 0],
    ]);
    expect(observations[0]?.output).toBe('{"ok":true}');
    expect(ssm.commandCalls(ListCommandInvocationsCommand)).toHaveLength(3);
    expect(ssm.commandCalls(ListCommandInvocationsCommand)[0]?.args[0].input).toEqual({
      CommandId: COMMAND,
      Details: true,
      MaxResults: 50,
      NextToken: undefined,
    });
    expect(sleeps).toEqual([100, 100]);
  });

  it("waits 250 ms before the second poll and doubles the wait up to the poll interval", async () => {
    const [a] = ids(1) as [string];
    ssm
      .on(ListCommandInvocationsCommand)
      .resolvesOnce({ CommandInvocations: [] })
      .resolvesOnce({ CommandInvocations: [invocation(a, "Pending")] })
      .resolvesOnce({ CommandInvocations: [invocation(a, "InProgress")] })
      .resolvesOnce({ CommandInvocations: [invocation(a, "InProgress")] })
      .resolves({ CommandInvocations: [invocation(a, "Success")] });
    await commands(1_000).poll([{ commandId: COMMAND, instanceIds: [a] }], new Date(Date.now() + 60_000));
    expect(sleeps).toEqual([250, 500, 1_000, 1_000]);
  });

  it("follows NextToken through every page of invocations", async () => {
    const [a, b] = ids(2) as [string, string];
    ssm
      .on(ListCommandInvocationsCommand, { NextToken: undefined })
      .resolves({ CommandInvocations: [invocation(a, "Success")], NextToken: "page-2" })
      .on(ListCommandInvocationsCommand, { NextToken: "page-2" })
      .resolves({ CommandInvocations: [invocation(b, "Failed")] });
    const observations = await commands().poll(
      [{ commandId: COMMAND, instanceIds: [a, b] }],
      new Date(Date.now() + 10_000),
    );
    expect(observations.map((o) => o.status)).toEqual(["Success", "Failed"]);
  });

  it("stops at the deadline and returns what is still running, never waiting beyond it", async () => {
    const [a] = ids(1) as [string];
    ssm.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [invocation(a, "InProgress")] });
    // The next wait (250 ms, the first of the schedule) would end after the deadline: no wait at all.
    const observations = await commands(1_000).poll(
      [{ commandId: COMMAND, instanceIds: [a] }],
      new Date(Date.now() + 200),
    );
    expect(observations).toEqual([expect.objectContaining({ instanceId: a, status: "InProgress" })]);
    expect(sleeps).toEqual([]);
  });

  it("retries InvocationDoesNotExist (the race after SendCommand) and returns the full stdout", async () => {
    ssm
      .on(GetCommandInvocationCommand)
      .rejectsOnce(new InvocationDoesNotExist({ message: "not yet", $metadata: {} }))
      .resolves({ StandardOutputContent: '{"ok":true,"mode":"closed"}\n' });
    const output = await commands().readOutput(COMMAND, "i-00000000000000001", new Date(Date.now() + 10_000));
    expect(output).toBe('{"ok":true,"mode":"closed"}\n');
    expect(sleeps).toEqual([100]);
  });
});
