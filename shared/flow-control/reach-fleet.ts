import type { FlowControlConfig } from "./config";
import type { FlowControlDeps } from "./deps";
import type { FleetApply } from "./domain/flow-control-decision";
import { intentAction } from "./domain/intent";
import {
  classifyInvocation,
  type InstanceResult,
  type InvocationObservation,
  instancesToRetry,
  isFinished,
  parseFlowctlOutput,
} from "./domain/invocation-result";
import type { FlowIntent } from "./domain/types";

/**
 * Sends the intent to every instance (chunks of 50), reads each instance's flowctl answer, retries the
 * failed ones once while time is left, and returns one result per instance.
 */
export async function reachFleet(
  deps: FlowControlDeps,
  config: FlowControlConfig,
  intent: FlowIntent,
  instanceIds: readonly string[],
  comment: string,
): Promise<FleetApply> {
  const results = new Map<string, InstanceResult>();
  const commandIds: string[] = [];
  let targets = [...instanceIds];
  for (let attempt = 1; attempt <= 2 && targets.length > 0; attempt++) {
    // A retry needs time for at least a couple of polls; otherwise report what we have.
    if (attempt > 1 && deps.deadline().getTime() - Date.now() < 2 * config.commands.pollIntervalMs + 1_000)
      break;
    const sent = await deps.commands.send({ instanceIds: targets, action: intentAction(intent), comment });
    commandIds.push(...sent.commands.map((c) => c.commandId));
    for (const rejected of sent.rejected) {
      results.set(rejected.instanceId, {
        instanceId: rejected.instanceId,
        status: rejected.kind === "not-managed" ? "undeliverable" : "failed",
        message: rejected.reason,
        attempts: attempt,
      });
    }
    for (const observation of await deps.commands.poll(sent.commands, deps.deadline())) {
      const complete = await withFullOutput(deps, observation);
      results.set(observation.instanceId, classifyInvocation(complete, intent, attempt));
    }
    const tried = new Set(targets);
    targets = instancesToRetry([...results.values()].filter((r) => tried.has(r.instanceId)));
  }
  return {
    kind: "sent",
    commandIds,
    instances: instanceIds.map(
      (instanceId) =>
        results.get(instanceId) ?? {
          instanceId,
          status: "running",
          message: "no answer before the deadline",
          attempts: 1,
        },
    ),
  };
}

/** ListCommandInvocations shows only the first 2,500 characters: fetch the full stdout when the JSON is not in them. */
async function withFullOutput(
  deps: FlowControlDeps,
  observation: InvocationObservation,
): Promise<InvocationObservation> {
  const ran = observation.responseCode !== undefined && observation.responseCode >= 0;
  if (!isFinished(observation) || !ran || observation.commandId === undefined) return observation;
  if (parseFlowctlOutput(observation.output) !== undefined) return observation;
  try {
    const full = await deps.commands.readOutput(
      observation.commandId,
      observation.instanceId,
      deps.deadline(),
    );
    return full ? { ...observation, output: full } : observation;
  } catch (error) {
    deps.logger.warn("could not read the full command output", { instanceId: observation.instanceId, error });
    return observation;
  }
}
