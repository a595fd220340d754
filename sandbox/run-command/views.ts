import {
  type CommandRecord,
  commandStatus,
  errorCount,
  type InvocationRecord,
  isTerminal,
  type PluginRecord,
} from "./invocations";
import { epochSeconds } from "./wire";

// The response shapes of the SSM API model (Command, CommandInvocation, CommandPlugin,
// GetCommandInvocationResult). Fields the stand-in has no use for are present with SSM's empty values,
// so code that reads them sees what it would see against AWS.

/** The `Command` structure returned by SendCommand and ListCommands. */
export function commandView(command: CommandRecord): Record<string, unknown> {
  const { status, details } = commandStatus(command);
  const count = (predicate: (invocation: InvocationRecord) => boolean) =>
    command.invocations.filter(predicate).length;
  return {
    CommandId: command.commandId,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    Comment: command.comment,
    ExpiresAfter: epochSeconds(command.expiresAt),
    Parameters: command.parameters,
    InstanceIds: command.requestedInstanceIds,
    Targets: command.targets,
    RequestedDateTime: epochSeconds(command.requestedAt),
    Status: status,
    StatusDetails: details,
    OutputS3Region: "us-east-1",
    OutputS3BucketName: "",
    OutputS3KeyPrefix: "",
    MaxConcurrency: command.maxConcurrency,
    MaxErrors: command.maxErrors,
    TargetCount: command.invocations.length,
    CompletedCount: count((invocation) => isTerminal(invocation.status)),
    ErrorCount: errorCount(command),
    DeliveryTimedOutCount: count((invocation) => invocation.statusDetails === "DeliveryTimedOut"),
    ServiceRole: "",
    NotificationConfig: { NotificationArn: "", NotificationEvents: [], NotificationType: "" },
    CloudWatchOutputConfig: { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false },
    TimeoutSeconds: command.timeoutSeconds,
  };
}

/** A `CommandInvocation` of ListCommandInvocations; CommandPlugins is filled only when Details is true. */
export function invocationView(
  command: CommandRecord,
  invocation: InvocationRecord,
  details: boolean,
): Record<string, unknown> {
  return {
    CommandId: command.commandId,
    InstanceId: invocation.instanceId,
    InstanceName: invocation.instanceName,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    RequestedDateTime: epochSeconds(command.requestedAt),
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    TraceOutput: "",
    StandardOutputUrl: "",
    StandardErrorUrl: "",
    CommandPlugins: details ? invocation.plugins.map(pluginView) : [],
    ServiceRole: "",
    NotificationConfig: { NotificationArn: "", NotificationEvents: [], NotificationType: "" },
    CloudWatchOutputConfig: { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false },
  };
}

/** The real `CommandPlugin` carries no Standard*Content: its output is the combined, shortened `Output`. */
function pluginView(plugin: PluginRecord): Record<string, unknown> {
  return {
    Name: plugin.name,
    Status: plugin.status,
    StatusDetails: plugin.statusDetails,
    ResponseCode: plugin.responseCode,
    ...(plugin.startedAt ? { ResponseStartDateTime: epochSeconds(plugin.startedAt) } : {}),
    ...(plugin.finishedAt ? { ResponseFinishDateTime: epochSeconds(plugin.finishedAt) } : {}),
    Output: pluginOutput(plugin),
    StandardOutputUrl: "",
    StandardErrorUrl: "",
    OutputS3Region: "us-east-1",
    OutputS3BucketName: "",
    OutputS3KeyPrefix: "",
  };
}

/** The console/ListCommandInvocations `Output` keeps only the first 2,500 characters. */
const PLUGIN_OUTPUT_LIMIT = 2_500;

/** Approximates the agent's combined output: stdout, then stderr under an ERROR banner, then the exit note. */
export function pluginOutput(plugin: PluginRecord): string {
  if (!isTerminal(plugin.status) || plugin.startedAt === undefined) return "";
  let output = plugin.stdout;
  if (plugin.stderr !== "") output += `\n----------ERROR-------\n${plugin.stderr}`;
  if (plugin.statusDetails === "ExecutionTimedOut") output += "\nfailed to run commands: execution timed out";
  else if (plugin.responseCode !== 0)
    output += `\nfailed to run commands: exit status ${plugin.responseCode}`;
  return output.slice(0, PLUGIN_OUTPUT_LIMIT);
}

/** GetCommandInvocation's answer for one plugin (step) of one invocation. */
export function getInvocationView(
  command: CommandRecord,
  invocation: InvocationRecord,
  plugin: PluginRecord,
): Record<string, unknown> {
  const finished = isTerminal(plugin.status);
  const started = plugin.startedAt;
  const ended = plugin.finishedAt;
  return {
    CommandId: command.commandId,
    InstanceId: invocation.instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    PluginName: plugin.name,
    ResponseCode: plugin.responseCode,
    // These three are strings in this API, empty until the plugin has started.
    ExecutionStartDateTime: started ? started.toISOString() : "",
    ExecutionElapsedTime: started ? isoDuration((ended ?? new Date()).getTime() - started.getTime()) : "",
    ExecutionEndDateTime: ended ? ended.toISOString() : "",
    Status: plugin.status,
    StatusDetails: plugin.statusDetails,
    // SSM leaves the content empty until the command has finished.
    StandardOutputContent: finished ? plugin.stdout : "",
    StandardOutputUrl: "",
    StandardErrorContent: finished ? plugin.stderr : "",
    StandardErrorUrl: "",
    CloudWatchOutputConfig: { CloudWatchLogGroupName: "", CloudWatchOutputEnabled: false },
  };
}

/** @example 1234 -> "PT1.234S" */
function isoDuration(milliseconds: number): string {
  return `PT${(Math.max(0, milliseconds) / 1000).toFixed(3)}S`;
}
