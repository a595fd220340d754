import { randomUUID } from "node:crypto";
import { renderScript, resolveParameters } from "./document";
import type { CommandRecord, InvocationRecord } from "./invocations";
import type { StandInState } from "./state";
import { concurrencyLimit, errorLimit, resolveInstances, type Target } from "./targets";
import { commandView } from "./views";
import {
  optionalNumber,
  optionalString,
  optionalStringArray,
  requiredString,
  SerializationError,
  SsmApiError,
  validationError,
} from "./wire";

const DEFAULT_MAX_CONCURRENCY = "50";
const DEFAULT_MAX_ERRORS = "0";
/** SendCommand's TimeoutSeconds bounds (the delivery timeout); echoed back, see deliveryTimeoutMs for the real wait. */
const MIN_TIMEOUT_SECONDS = 30;
const MAX_TIMEOUT_SECONDS = 2_592_000;
const DEFAULT_TIMEOUT_SECONDS = 3_600;
const MAX_COMMENT_LENGTH = 100;
const ACCEPTED_DOCUMENT_VERSIONS = new Set(["$DEFAULT", "$LATEST", "1"]);

/**
 * SendCommand: validates like SSM (document, version, parameters, targets, limits) before anything runs,
 * creates one Pending invocation per instance and hands the command to the scheduler.
 * The response is taken before scheduling so it says Pending, as the real one does.
 */
export function sendCommand(state: StandInState, body: Record<string, unknown>): Record<string, unknown> {
  const documentName = requiredString(body, "DocumentName");
  const document = state.documents.get(documentName);
  if (document === undefined) {
    throw new SsmApiError("InvalidDocument", `Document with name ${documentName} does not exist.`);
  }
  const documentVersion = optionalString(body, "DocumentVersion") ?? "$DEFAULT";
  if (!ACCEPTED_DOCUMENT_VERSIONS.has(documentVersion)) {
    throw new SsmApiError(
      "InvalidDocumentVersion",
      `Document ${documentName} has no version ${documentVersion}.`,
    );
  }
  const comment = optionalString(body, "Comment") ?? "";
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw validationError(`Member 'comment' must have length less than or equal to ${MAX_COMMENT_LENGTH}`);
  }
  const timeoutSeconds = optionalNumber(body, "TimeoutSeconds") ?? DEFAULT_TIMEOUT_SECONDS;
  if (timeoutSeconds < MIN_TIMEOUT_SECONDS || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw validationError(
      `TimeoutSeconds must be between ${MIN_TIMEOUT_SECONDS} and ${MAX_TIMEOUT_SECONDS}.`,
    );
  }
  const requestedIds = optionalStringArray(body, "InstanceIds");
  const targets = readTargets(body);
  const parameters = readParameters(body);
  const instanceIds = resolveInstances(requestedIds, targets, state.instances);
  const values = resolveParameters(document, parameters);
  const maxConcurrency = optionalString(body, "MaxConcurrency") ?? DEFAULT_MAX_CONCURRENCY;
  const maxErrors = optionalString(body, "MaxErrors") ?? DEFAULT_MAX_ERRORS;
  const concurrency = concurrencyLimit(maxConcurrency, instanceIds.length);
  const errors = errorLimit(maxErrors, instanceIds.length);

  const commandId = randomUUID();
  const requestedAt = new Date(state.now());
  const invocations = instanceIds.map((instanceId): InvocationRecord => {
    const instance = state.instances.find((candidate) => candidate.instanceId === instanceId);
    return {
      commandId,
      instanceId,
      instanceName: instance?.tags.Name ?? "",
      status: "Pending",
      statusDetails: "Pending",
      dispatched: false,
      plugins: document.steps.map((step) => ({
        name: step.name,
        status: "Pending",
        statusDetails: "Pending",
        responseCode: -1,
        stdout: "",
        stderr: "",
      })),
    };
  });
  const command: CommandRecord = {
    commandId,
    documentName,
    documentVersion,
    comment,
    parameters,
    requestedInstanceIds: requestedIds ?? [],
    targets: targets ?? [],
    requestedAt,
    visibleAtMs: requestedAt.getTime() + state.invocationVisibleAfterMs,
    maxConcurrency,
    maxErrors,
    concurrencyLimit: concurrency,
    errorLimit: errors,
    timeoutSeconds,
    expiresAt: new Date(requestedAt.getTime() + timeoutSeconds * 1000),
    steps: document.steps.map((step) => ({
      name: step.name,
      script: renderScript(step, document, values),
      workingDirectory: step.workingDirectory,
      timeoutSeconds: step.timeoutSeconds,
    })),
    invocations,
    inFlight: 0,
    cancelledInstances: new Set(),
  };
  state.commands.push(command);
  state.recorded.push({
    commandId,
    documentName,
    parameters,
    instanceIds,
    targets: command.targets,
    maxConcurrency,
    maxErrors,
    requestedAt,
  });
  const response = { Command: commandView(command) };
  state.scheduler.start(command);
  return response;
}

function readTargets(body: Record<string, unknown>): Target[] | undefined {
  const raw = body.Targets;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw new SerializationError("Targets must be a list");
  return raw.map((target: unknown) => {
    const record = (target ?? {}) as Record<string, unknown>;
    const key = optionalString(record, "Key");
    const values = optionalStringArray(record, "Values");
    if (key === undefined || values === undefined)
      throw validationError("Each target needs a Key and Values.");
    return { Key: key, Values: values };
  });
}

function readParameters(body: Record<string, unknown>): Record<string, string[]> {
  const raw = body.Parameters;
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new SerializationError("Parameters must be a map");
  const parameters: Record<string, string[]> = {};
  for (const name of Object.keys(raw)) {
    const values = optionalStringArray(raw as Record<string, unknown>, name);
    if (values !== undefined) parameters[name] = values;
  }
  return parameters;
}
