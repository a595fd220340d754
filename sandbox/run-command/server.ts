import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type CommandDocument, parseCommandDocument } from "./document";
import { describeInstanceInformation } from "./instance-information";
import { proxyToMoto } from "./proxy";
import { cancelCommand, getCommandInvocation, listCommandInvocations, listCommands } from "./queries";
import { Scheduler } from "./scheduler";
import { sendCommand } from "./send-command";
import type { StandInState } from "./state";
import { INSTANCE_ID_PATTERN } from "./targets";
import type { LocalInstance, RunCommandStandIn, RunCommandStandInOptions } from "./types";
import { operationOf, readJsonBody, SsmApiError, sendError, sendJson } from "./wire";

export type { LocalInstance, RecordedCommand, RunCommandStandIn, RunCommandStandInOptions } from "./types";

const DEFAULT_DELIVERY_TIMEOUT_MS = 2_000;

function deliveryLatency(
  model: RunCommandStandInOptions["deliveryLatencyMs"],
): (instanceId: string) => number {
  if (typeof model === "function") return model;
  const fixed = model ?? 0;
  if (!Number.isFinite(fixed) || fixed < 0)
    throw new Error(`run-command stand-in: deliveryLatencyMs ${fixed}`);
  return () => fixed;
}

type Handler = (state: StandInState, body: Record<string, unknown>) => Record<string, unknown>;

/** The Run Command operations answered here; every other SSM operation goes to moto untouched. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  SendCommand: sendCommand,
  ListCommandInvocations: listCommandInvocations,
  GetCommandInvocation: getCommandInvocation,
  ListCommands: listCommands,
  CancelCommand: cancelCommand,
  DescribeInstanceInformation: describeInstanceInformation,
};

/**
 * Starts a local stand-in for SSM Run Command on 127.0.0.1: it really runs each document's shell script in
 * every addressed local instance's directory, and proxies all other SSM calls to moto (whose Run Command
 * reports instant Success without running anything, and has no ListCommandInvocations).
 */
export async function startRunCommandStandIn(options: RunCommandStandInOptions): Promise<RunCommandStandIn> {
  const instances = checkInstances(options.instances);
  const documents = new Map<string, CommandDocument>();
  for (const [name, content] of Object.entries(options.documents)) {
    documents.set(name, parseCommandDocument(name, content));
  }
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const scheduler = new Scheduler({
    instances: new Map(instances.map((instance) => [instance.instanceId, instance])),
    pathPrepend: options.pathPrepend ?? [],
    deliveryTimeoutMs,
    executionTimeoutMs: options.executionTimeoutMs,
    deliveryLatencyMs: deliveryLatency(options.deliveryLatencyMs),
  });
  const state: StandInState = {
    documents,
    instances,
    commands: [],
    recorded: [],
    scheduler,
    deliveryTimeoutMs,
    invocationVisibleAfterMs: options.invocationVisibleAfterMs ?? 0,
    now: Date.now,
  };

  const server = createServer((request, response) => {
    void handle(state, options.motoUrl, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    setInstanceOnline(instanceId, online) {
      const instance = instances.find((candidate) => candidate.instanceId === instanceId);
      if (instance === undefined) throw new Error(`run-command stand-in: no instance ${instanceId}`);
      instance.online = online;
      if (online) scheduler.instanceCameOnline(instanceId);
    },
    commands: () => [...state.recorded],
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all([closed, scheduler.stop()]);
      })();
      return stopping;
    },
  };
}

async function handle(
  state: StandInState,
  motoUrl: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const operation = operationOf(request);
  const handler = operation === undefined ? undefined : HANDLERS[operation];
  if (handler === undefined) {
    proxyToMoto(motoUrl, request, response);
    return;
  }
  try {
    sendJson(response, handler(state, await readJsonBody(request)));
  } catch (error) {
    if (error instanceof SsmApiError) {
      sendError(response, error);
      return;
    }
    // A bug in the stand-in: say so in SSM's error shape so the SDK shows the message, not a parse failure.
    sendError(
      response,
      new SsmApiError("InternalServerError", `run-command stand-in: ${(error as Error).stack}`, 500),
    );
  }
}

/** Copies the instances (setInstanceOnline mutates them) and rejects ids SSM itself would reject. */
function checkInstances(instances: readonly LocalInstance[]): LocalInstance[] {
  const seen = new Set<string>();
  return instances.map((instance) => {
    if (!INSTANCE_ID_PATTERN.test(instance.instanceId)) {
      throw new Error(
        `run-command stand-in: instance id ${instance.instanceId} is not an SSM instance id (e.g. i-0123456789abcdef0)`,
      );
    }
    if (seen.has(instance.instanceId))
      throw new Error(`run-command stand-in: instance ${instance.instanceId} listed twice`);
    seen.add(instance.instanceId);
    return { ...instance, tags: { ...instance.tags }, env: { ...instance.env } };
  });
}
