import {
  type CommandInvocation,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { AwsCallError, describeError } from "../../errors";
import { type InvocationObservation, isFinished } from "../../flow-control/domain/invocation-result";
import type { FleetCommandRequest, FleetCommands, SendResult, SentCommand } from "../../ports/fleet-commands";
import { isAwsError } from "./aws-error";
import { retryTransient } from "./retry";

export interface SsmFleetCommandsOptions {
  documentName: string;
  maxConcurrency: string;
  maxErrors: string;
  /** SendCommand TimeoutSeconds: how long SSM keeps trying to deliver to an offline agent. */
  deliveryTimeoutSeconds: number;
  pollIntervalMs: number;
  /** No SendCommand retry starts after this moment (Lambda time left minus a margin). */
  deadline: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** SendCommand takes at most 50 InstanceIds per call (aws.md, "SSM Run Command"). */
export const MAX_INSTANCE_IDS = 50;
/** Bounds every loop below, on top of the deadline. */
const MAX_POLLS = 10_000;
const MAX_PAGES = 100;
/**
 * The first wait between two polls; each next one doubles up to pollIntervalMs. flowctl answers within
 * tens of milliseconds once the agent has the command, so a flat 2 s first wait would only delay the
 * decision; the later, longer waits keep a slow fleet from costing many ListCommandInvocations calls.
 */
export const FIRST_POLL_WAIT_MS = 250;

/**
 * Run Command with our document, in chunks of 50 instance ids. Results come from ListCommandInvocations
 * (Details=true, paginated), polled on our own schedule: the SDK waiter gives up after ~100 s and reports a
 * running command as failed. Right after SendCommand SSM lists no invocation and GetCommandInvocation says
 * InvocationDoesNotExist: both mean "not yet", never "finished".
 */
export function createSsmFleetCommands(client: SSMClient, options: SsmFleetCommandsOptions): FleetCommands {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function sendChunk(
    request: FleetCommandRequest,
    ids: readonly string[],
    result: SendResult,
  ): Promise<void> {
    try {
      const out = await retryTransient(
        () =>
          client.send(
            new SendCommandCommand({
              DocumentName: options.documentName,
              InstanceIds: [...ids],
              Parameters: { action: [request.action] },
              MaxConcurrency: options.maxConcurrency,
              MaxErrors: options.maxErrors,
              TimeoutSeconds: options.deliveryTimeoutSeconds,
              Comment: request.comment.slice(0, 100),
            }),
          ),
        { attempts: 4, baseDelayMs: 200, deadline: options.deadline(), what: "SSM SendCommand" },
      );
      const commandId = out.Command?.CommandId;
      if (commandId === undefined) throw new AwsCallError("SSM SendCommand returned no CommandId");
      result.commands.push({ commandId, instanceIds: [...ids] });
    } catch (error) {
      // InvalidInstanceId fails the whole call when any one id is not a managed instance (agent never
      // registered, instance just terminated): split the chunk to find it and still reach the others.
      if (isAwsError(error, "InvalidInstanceId")) {
        if (ids.length === 1) {
          result.rejected.push({
            instanceId: ids[0] as string,
            kind: "not-managed",
            reason: "not a managed instance: its SSM agent is not registered (or it just stopped)",
          });
          return;
        }
        const half = Math.ceil(ids.length / 2);
        await sendChunk(request, ids.slice(0, half), result);
        await sendChunk(request, ids.slice(half), result);
        return;
      }
      const { name, message } = describeError(error);
      for (const instanceId of ids)
        result.rejected.push({
          instanceId,
          kind: "error",
          reason: `SendCommand failed: ${name}: ${message}`,
        });
    }
  }

  async function listInvocations(commandId: string): Promise<CommandInvocation[]> {
    const all: CommandInvocation[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await retryTransient(
        () =>
          client.send(
            new ListCommandInvocationsCommand({
              CommandId: commandId,
              Details: true,
              MaxResults: 50,
              NextToken: nextToken,
            }),
          ),
        { attempts: 4, baseDelayMs: 200, deadline: options.deadline(), what: "SSM ListCommandInvocations" },
      );
      all.push(...(out.CommandInvocations ?? []));
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
    return all;
  }

  return {
    async send(request) {
      const result: SendResult = { commands: [], rejected: [] };
      for (let i = 0; i < request.instanceIds.length; i += MAX_INSTANCE_IDS) {
        await sendChunk(request, request.instanceIds.slice(i, i + MAX_INSTANCE_IDS), result);
      }
      return result;
    },

    async poll(commands, deadline) {
      const latest = new Map<string, InvocationObservation>();
      const key = (commandId: string, instanceId: string) => `${commandId}/${instanceId}`;
      for (const command of commands)
        for (const instanceId of command.instanceIds)
          latest.set(key(command.commandId, instanceId), {
            instanceId,
            commandId: command.commandId,
            output: "",
          });
      const open = (command: SentCommand) =>
        command.instanceIds.some(
          (id) => !isFinished(latest.get(key(command.commandId, id)) as InvocationObservation),
        );
      for (let poll = 0; poll < MAX_POLLS; poll++) {
        for (const command of commands.filter(open)) {
          for (const invocation of await listInvocations(command.commandId)) {
            const id = invocation.InstanceId;
            if (id === undefined || !latest.has(key(command.commandId, id))) continue;
            latest.set(key(command.commandId, id), observe(command.commandId, id, invocation));
          }
        }
        if (!commands.some(open)) break;
        const wait = Math.min(options.pollIntervalMs, FIRST_POLL_WAIT_MS * 2 ** poll);
        if (Date.now() + wait >= deadline.getTime()) break;
        await sleep(wait);
      }
      return [...latest.values()];
    },

    async readOutput(commandId, instanceId, deadline) {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const out = await retryTransient(
            () =>
              client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })),
            { attempts: 3, baseDelayMs: 200, deadline, what: "SSM GetCommandInvocation" },
          );
          return out.StandardOutputContent;
        } catch (error) {
          if ((error as Error).name !== "InvocationDoesNotExist") throw error;
          // The race right after SendCommand: the invocation exists a moment later.
          const wait = options.pollIntervalMs * 2 ** attempt;
          if (Date.now() + wait >= deadline.getTime()) return undefined;
          await sleep(wait);
        }
      }
      return undefined;
    },
  };
}

/** Our document has one step: its plugin carries the exit code and the (first 2,500 characters of) output. */
function observe(
  commandId: string,
  instanceId: string,
  invocation: CommandInvocation,
): InvocationObservation {
  const plugin = invocation.CommandPlugins?.[0];
  return {
    instanceId,
    commandId,
    ...(invocation.Status ? { status: invocation.Status } : {}),
    ...(invocation.StatusDetails ? { statusDetails: invocation.StatusDetails } : {}),
    ...(plugin?.ResponseCode !== undefined ? { responseCode: plugin.ResponseCode } : {}),
    output: plugin?.Output ?? "",
  };
}
