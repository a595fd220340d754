import { type CommandRecord, commandStatus, type InvocationRecord, isTerminal } from "./invocations";
import { paginate } from "./pagination";
import { findCommand, type StandInState } from "./state";
import { commandView, getInvocationView, invocationView } from "./views";
import {
  optionalNumber,
  optionalString,
  optionalStringArray,
  requiredString,
  SerializationError,
  SsmApiError,
  validationError,
} from "./wire";

const COMMAND_ID_LENGTH = 36;

/**
 * ListCommandInvocations: newest command first, its invocations in dispatch order. A command is left out
 * until invocationVisibleAfterMs has passed, like GetCommandInvocation, so a poller sees the real
 * "empty right after SendCommand" answer.
 */
export function listCommandInvocations(
  state: StandInState,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const commandId = checkedCommandId(optionalString(body, "CommandId"));
  const instanceId = optionalString(body, "InstanceId");
  const details = body.Details === true;
  const keep = readFilters(body, false);
  const rows: { command: CommandRecord; invocation: InvocationRecord }[] = [];
  for (const command of newestFirst(state)) {
    if (commandId !== undefined && command.commandId !== commandId) continue;
    if (state.now() < command.visibleAtMs) continue;
    for (const invocation of command.invocations) {
      if (instanceId !== undefined && invocation.instanceId !== instanceId) continue;
      if (keep(command, invocation)) rows.push({ command, invocation });
    }
  }
  const { page, nextToken } = paginate(
    rows,
    (row) => `${row.command.commandId}/${row.invocation.instanceId}`,
    optionalNumber(body, "MaxResults"),
    optionalString(body, "NextToken"),
  );
  return {
    CommandInvocations: page.map((row) => invocationView(row.command, row.invocation, details)),
    ...(nextToken === undefined ? {} : { NextToken: nextToken }),
  };
}

/** GetCommandInvocation: InvocationDoesNotExist for unknown ids and during the post-SendCommand race window. */
export function getCommandInvocation(
  state: StandInState,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const commandId = checkedCommandId(requiredString(body, "CommandId"));
  const instanceId = requiredString(body, "InstanceId");
  const pluginName = optionalString(body, "PluginName");
  const command = commandId === undefined ? undefined : findCommand(state, commandId);
  const invocation = command?.invocations.find((candidate) => candidate.instanceId === instanceId);
  if (command === undefined || invocation === undefined || state.now() < command.visibleAtMs) {
    throw new SsmApiError(
      "InvocationDoesNotExist",
      "The command ID and instance ID you specified did not match any invocations. Verify the command ID and the instance ID and try again.",
    );
  }
  // SSM needs the step name when the document has several steps; with one step it may be omitted.
  if (pluginName === undefined && invocation.plugins.length > 1) {
    throw new SsmApiError(
      "InvalidPluginName",
      "The document has several steps: specify PluginName (a step name).",
    );
  }
  const plugin =
    pluginName === undefined
      ? invocation.plugins[0]
      : invocation.plugins.find((candidate) => candidate.name === pluginName);
  if (plugin === undefined) throw new SsmApiError("InvalidPluginName", `No step named ${pluginName}.`);
  return getInvocationView(command, invocation, plugin);
}

/** ListCommands: newest first, by CommandId and/or InstanceId, paginated like the invocations. */
export function listCommands(state: StandInState, body: Record<string, unknown>): Record<string, unknown> {
  const commandId = checkedCommandId(optionalString(body, "CommandId"));
  const instanceId = optionalString(body, "InstanceId");
  const keep = readFilters(body, true);
  const rows = newestFirst(state).filter(
    (command) =>
      (commandId === undefined || command.commandId === commandId) &&
      (instanceId === undefined ||
        command.invocations.some((invocation) => invocation.instanceId === instanceId)) &&
      keep(command),
  );
  const { page, nextToken } = paginate(
    rows,
    (command) => command.commandId,
    optionalNumber(body, "MaxResults"),
    optionalString(body, "NextToken"),
  );
  return { Commands: page.map(commandView), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
}

/** CancelCommand: answered here, not by moto, which knows nothing of these commands. */
export function cancelCommand(state: StandInState, body: Record<string, unknown>): Record<string, unknown> {
  const commandId = requiredString(body, "CommandId");
  const command = findCommand(state, commandId);
  if (command === undefined) throw new SsmApiError("InvalidCommandId", `No command ${commandId}.`);
  const instanceIds = optionalStringArray(body, "InstanceIds");
  state.scheduler.cancel(
    command,
    instanceIds === undefined || instanceIds.length === 0 ? undefined : new Set(instanceIds),
  );
  return {};
}

function newestFirst(state: StandInState): CommandRecord[] {
  return [...state.commands].reverse();
}

function checkedCommandId(commandId: string | undefined): string | undefined {
  if (commandId !== undefined && commandId.length !== COMMAND_ID_LENGTH) {
    throw validationError(`Member 'commandId' must have length ${COMMAND_ID_LENGTH}`);
  }
  return commandId;
}

type Keep = (command: CommandRecord, invocation?: InvocationRecord) => boolean;

/**
 * The CommandFilter list: InvokedAfter, InvokedBefore, Status, DocumentName; ExecutionStage only for
 * ListCommands (SSM rejects it for invocations). Status applies to the invocation when there is one.
 */
function readFilters(body: Record<string, unknown>, forCommands: boolean): Keep {
  const raw = body.Filters;
  if (raw === undefined || raw === null) return () => true;
  if (!Array.isArray(raw)) throw new SerializationError("Filters must be a list");
  const tests: Keep[] = raw.map((filter: unknown) => {
    const record = (filter ?? {}) as Record<string, unknown>;
    const key = optionalString(record, "key");
    const value = optionalString(record, "value") ?? "";
    switch (key) {
      case "InvokedAfter":
      case "InvokedBefore": {
        const at = Date.parse(value);
        if (Number.isNaN(at))
          throw new SsmApiError("InvalidFilterValue", `${key} needs a timestamp, got ${value}`);
        return (command) =>
          key === "InvokedAfter" ? command.requestedAt.getTime() >= at : command.requestedAt.getTime() <= at;
      }
      case "Status":
        return (command, invocation) =>
          (invocation ? invocation.status : commandStatus(command).status) === value;
      case "DocumentName":
        return (command) => command.documentName === value;
      case "ExecutionStage":
        if (!forCommands)
          throw new SsmApiError("InvalidFilterKey", "ExecutionStage only applies to ListCommands.");
        if (value !== "Executing" && value !== "Complete") {
          throw new SsmApiError("InvalidFilterValue", "ExecutionStage is Executing or Complete.");
        }
        return (command) =>
          command.invocations.every((invocation) => isTerminal(invocation.status)) === (value === "Complete");
      default:
        throw new SsmApiError("InvalidFilterKey", `Filter key ${key} is not supported.`);
    }
  });
  return (command, invocation) => tests.every((test) => test(command, invocation));
}
