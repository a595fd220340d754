import { ConflictError, describeError, InvalidEventError, TransientAwsError } from "../errors";
import type { AlarmObservation } from "../kernel/domain/alarm-observation";
import type { Trigger } from "../kernel/domain/decision";
import { parameterKeys } from "../kernel/domain/parameter-layout";
import { overrideNews, withOverride } from "../kernel/domain/resolve-override";
import { recordInIncident } from "../kernel/incident-thread";
import { type TargetOverride, targetOverride } from "../kernel/obey-overrides";
import { recordDecision } from "../kernel/record-decision";
import type { StoredValue } from "../ports/state-store";
import type { FleetConfig, FlowControlConfig } from "./config";
import type { FlowControlDeps } from "./deps";
import { boundedUnconverged } from "./domain/bounded-state";
import { missedSignal, unconfirmedBecause, unconfirmedPlan } from "./domain/confirm-alarm";
import {
  type FleetApply,
  type FlowDecision,
  flowDecision,
  slackWorthiness,
  unknownAlarmDecision,
} from "./domain/flow-control-decision";
import { flowIncidentRoute } from "./domain/flow-control-incident";
import { renderFlowControlMessage } from "./domain/flow-control-message";
import { obeyFleetOverride } from "./domain/obey-override";
import { type FlowPlan, planAlarm, planConverge } from "./domain/plan-flow-control";
import type { AlarmSignal, FleetState } from "./domain/types";
import { fleetPolicy } from "./fleet-policy";
import { reachFleet } from "./reach-fleet";

/** One alarm state change, as the handler parsed it from SNS. */
export interface AlarmInput {
  signal: AlarmSignal;
  trigger: Trigger;
}

/** How a fleet's plan is made from its stored state, once what it waits for (the alarm states) is read. */
type Decide = (state: FleetState | undefined, now: Date) => FlowPlan;

/** Re-planning after a concurrent writer: a few rounds, then the conflict is reported. */
const CLAIM_ATTEMPTS = 3;

/**
 * Alarm notifications -> for every fleet that maps the alarm: decide (pure), store the intent (the claim:
 * optimistic concurrency makes one writer win), send it to every instance, read each instance's flowctl
 * answer back, retry the failed ones once, record. An alarm no fleet maps is reported and not acted on.
 * Every mapped alarm's state is confirmed with one DescribeAlarms call (scoped to the notified alarms the
 * stage configures) before anything is planned: a notification CloudWatch does not confirm changes
 * nothing. The call goes out together with the fleet's reads (it needs none of them), not before them.
 */
export async function handleAlarms(
  deps: FlowControlDeps,
  config: FlowControlConfig,
  inputs: readonly AlarmInput[],
): Promise<FlowDecision[]> {
  const decisions: FlowDecision[] = [];
  const configured = new Set(config.fleets.flatMap((f) => f.alarms.map((a) => a.alarmName)));
  const observations = readAlarmStates(
    deps,
    inputs.map((i) => i.signal.alarmName).filter((name) => configured.has(name)),
  );
  observations.catch(() => undefined);
  for (const { signal, trigger } of inputs) {
    const fleets = config.fleets.filter((f) => f.alarms.some((a) => a.alarmName === signal.alarmName));
    if (fleets.length === 0) {
      // Unconfirmable states fail the invocation before anything is recorded, as for a mapped alarm.
      await observations;
      const decision = unknownAlarmDecision({
        signal,
        trigger,
        now: deps.now(),
        mode: config.mode,
        knownAlarms: [...new Set(config.fleets.flatMap((f) => f.alarms.map((a) => a.alarmName)))],
      });
      await recordDecision(decision, deps, { post: true, message: renderFlowControlMessage(decision) });
      decisions.push(decision);
      continue;
    }
    const unconfirmed = observations.then((read) =>
      unconfirmedBecause(
        signal,
        read.find((o) => o.name === signal.alarmName),
      ),
    );
    for (const fleet of fleets) {
      const decide = unconfirmed.then(
        (reason): Decide =>
          (state, now) =>
            reason === undefined
              ? planAlarm({ signal, fleet: fleetPolicy(fleet), state, now })
              : unconfirmedPlan(signal, state, reason),
      );
      decisions.push(await runFleet(deps, config, fleet, trigger, signal, decide));
    }
  }
  return decisions;
}

/**
 * The scheduled run: per fleet, act on an alarm state whose notification never arrived (read with one
 * DescribeAlarms call for every fleet's alarms), else apply a held release that is now due, else re-send
 * the intent in force (flowctl is idempotent: instances already in that mode change nothing) so partial
 * failures converge. Alarm states that cannot be read leave the run to the stored intent.
 */
export async function convergeFleets(
  deps: FlowControlDeps,
  config: FlowControlConfig,
  trigger: Trigger,
  only?: readonly string[],
): Promise<FlowDecision[]> {
  const decisions: FlowDecision[] = [];
  const fleets = only ? config.fleets.filter((f) => only.includes(f.name)) : config.fleets;
  if (only && fleets.length === 0) {
    throw new InvalidEventError(
      `unknown fleet ${only.join(", ")} (configured: ${config.fleets.map((f) => f.name).join(", ")})`,
    );
  }
  const observations = readAlarmStates(
    deps,
    fleets.flatMap((f) => f.alarms.map((a) => a.alarmName)),
  ).catch((error) => {
    deps.logger.warn("alarm states unreadable: converging to the stored intents only", {
      error: describeError(error),
    });
    return [];
  });
  for (const fleet of fleets) {
    decisions.push(
      await runFleet(
        deps,
        config,
        fleet,
        trigger,
        undefined,
        observations.then(
          (read): Decide =>
            (state, now) => {
              const policy = fleetPolicy(fleet);
              const missed = missedSignal({ fleet: policy, state, observations: read, now });
              const recovered = missed && planAlarm({ signal: missed, fleet: policy, state, now });
              return recovered && recovered.action !== "ignore"
                ? { ...recovered, readSignal: missed }
                : planConverge({ fleet: policy, state, now });
            },
        ),
      ),
    );
  }
  return decisions;
}

async function runFleet(
  deps: FlowControlDeps,
  config: FlowControlConfig,
  fleet: FleetConfig,
  trigger: Trigger,
  signal: AlarmSignal | undefined,
  decider: Promise<Decide>,
): Promise<FlowDecision> {
  const now = deps.now();
  const target = { name: fleet.name, tag: fleet.tag };
  let plan: FlowPlan | undefined;
  let previous: FleetState | undefined;
  let version: number | undefined;
  let applied: FleetApply = { kind: "not-attempted" };
  let obeyed: TargetOverride = { transition: { kind: "none" }, remember: async () => undefined };
  let released: Promise<void> | undefined;
  // The reads the send waits for go out together (overrides, fleet state, EC2 inventory, and the alarm
  // states the caller is reading): each is one AWS round trip, and an alarm's reaction time is the length
  // of that chain. The inventory is read even when the plan turns out to hold (one spare read); its
  // failure matters only if something is to be sent.
  const inventory = deps.inventory.listInstances(fleet.tag);
  inventory.catch(() => undefined);
  const firstLoad = deps.state.load<FleetState>(parameterKeys.fleetState(fleet.name));
  firstLoad.catch(() => undefined);
  const overrides = targetOverride(deps, "flow-control", fleet.name, now);
  overrides.catch(() => undefined);
  // Alarm states that cannot be confirmed fail the invocation (retryable): nothing is planned or recorded.
  const decide = await decider;
  try {
    // An unreadable override store fails the run: an operator's force or pause could be there.
    obeyed = await overrides;
    ({ plan, previous, version, released } = await claim(
      deps,
      config,
      fleet,
      (state) => decide(state, now),
      firstLoad,
    ));
    plan = obeyFleetOverride(plan, obeyed.override, obeyed.transition, previous);
    if (plan.action === "apply" && plan.intent !== undefined) {
      const instances = (await inventory).map((i) => i.instanceId);
      applied =
        config.mode === "auto"
          ? await reachFleet(
              deps,
              config,
              plan.intent,
              instances,
              `traffic-autopilot ${fleet.name}: ${plan.rule}`,
            )
          : { kind: "not-attempted", wouldSendTo: instances };
    }
  } catch (error) {
    applied = { kind: "failed", error: describeError(error) };
  }
  // The claim's lock was released while the command went out; the state is written again below.
  await released;
  const decision = withOverride(
    flowDecision({
      fleet: target,
      trigger,
      now,
      mode: config.mode,
      plan: plan ?? failedPlan(error(applied)),
      ...(signal ? { signal } : plan?.readSignal ? { signal: plan.readSignal } : {}),
      applied,
    }),
    obeyed,
  );
  const worth = slackWorthiness(decision, previous, plan?.intent);
  const slack = { ...worth, post: worth.post || overrideNews(obeyed) };
  if (applied.kind !== "failed") await obeyed.remember();
  if (config.mode === "auto" && plan?.nextState !== undefined) {
    // Only a run that reached the fleet knows which instances did not converge.
    const unconverged = plan.action === "apply" ? slack.unconverged : (plan.nextState.unconverged ?? []);
    await rememberEpisodes(deps, fleet, plan.nextState, version, { ...slack, unconverged });
  }
  await recordInIncident(
    decision,
    deps,
    {
      post: slack.post,
      message: renderFlowControlMessage(decision),
      route: flowIncidentRoute(decision, plan),
    },
    {
      InstancesConverged: decision.observed.counts.converged,
      InstancesNotConverged: decision.observed.instances.length - decision.observed.counts.converged,
    },
  );
  return decision;
}

/**
 * Loads the fleet state, plans, and stores the plan's next state with optimistic concurrency before
 * anything is sent: of two concurrent notifications only one claims the intent, the other re-plans on
 * what the first stored (and may then find itself stale).
 */
async function claim(
  deps: FlowControlDeps,
  config: FlowControlConfig,
  fleet: FleetConfig,
  decide: (state: FleetState | undefined) => FlowPlan,
  firstLoad: Promise<StoredValue<FleetState> | undefined>,
): Promise<{
  plan: FlowPlan;
  previous: FleetState | undefined;
  version: number | undefined;
  /** The claim's lock release, still in flight (never rejects: a failure is logged, the lease expires). */
  released?: Promise<void>;
}> {
  const key = parameterKeys.fleetState(fleet.name);
  for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
    // The first read was started with the other reads; a re-plan after a conflict reads again.
    const stored = attempt === 1 ? await firstLoad : await deps.state.load<FleetState>(key);
    const plan = decide(stored?.value);
    const unchanged = JSON.stringify(plan.nextState) === JSON.stringify(stored?.value);
    // A dry run records what it would do but must not claim an intent it never applies.
    if (config.mode !== "auto" || plan.nextState === undefined || unchanged) {
      return { plan, previous: stored?.value, version: stored?.version };
    }
    try {
      let released: Promise<void> | undefined;
      const version = await deps.state.save(key, plan.nextState, {
        expectedVersion: stored?.version ?? "absent",
        // The intent is stored once the write is done: the send need not wait for the lock's release.
        releaseLater: (release) => {
          released = release.catch((error) =>
            deps.logger.warn("could not release the fleet state's lock: it expires with its lease", {
              fleet: fleet.name,
              error: describeError(error),
            }),
          );
        },
      });
      return { plan, previous: stored?.value, version, ...(released ? { released } : {}) };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      deps.logger.info("fleet state changed while deciding: re-planning", { fleet: fleet.name, attempt });
    }
  }
  throw new ConflictError(
    `fleet ${fleet.name}: its state kept changing while deciding (${CLAIM_ATTEMPTS} attempts); nothing was sent`,
  );
}

/**
 * Stores which instances did not converge and which hold was last posted, so a scheduled run posts a
 * failure once per episode and a repeated hold is posted once. Written against the version the claim
 * stored: if someone wrote since, their state is newer and wins.
 */
async function rememberEpisodes(
  deps: FlowControlDeps,
  fleet: FleetConfig,
  state: FleetState,
  version: number | undefined,
  episodes: { unconverged: string[]; heldEpisode?: string },
): Promise<void> {
  const { heldEpisode } = episodes;
  const { unconverged, unconvergedCount } = boundedUnconverged(episodes.unconverged);
  const before = state.unconverged ?? [];
  if (
    before.length === unconverged.length &&
    before.every((id, i) => id === unconverged[i]) &&
    state.unconvergedCount === unconvergedCount &&
    state.heldEpisode === heldEpisode
  )
    return;
  const { unconverged: _, unconvergedCount: ___, heldEpisode: __, ...rest } = state;
  const next: FleetState = {
    ...rest,
    ...(unconverged.length > 0 ? { unconverged } : {}),
    ...(unconvergedCount ? { unconvergedCount } : {}),
    ...(heldEpisode ? { heldEpisode } : {}),
  };
  try {
    await deps.state.save(parameterKeys.fleetState(fleet.name), next, {
      expectedVersion: version ?? "absent",
    });
  } catch (error) {
    // Only bookkeeping for Slack episodes: the action stands and the decision must still be recorded.
    if (error instanceof ConflictError) {
      deps.logger.info("fleet state changed during the run: keeping the newer state", { fleet: fleet.name });
    } else {
      deps.logger.warn("could not store the Slack episodes", { fleet: fleet.name, error });
    }
  }
}

/** One DescribeAlarms read per invocation (the adapter batches 100 names a call); none for no names. */
async function readAlarmStates(deps: FlowControlDeps, names: readonly string[]): Promise<AlarmObservation[]> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  try {
    return await deps.alarms.read(unique);
  } catch (error) {
    // Nothing is acted on unconfirmed: the invocation fails and the notification is retried.
    throw new TransientAwsError(
      `could not confirm the alarm states (${unique.join(", ")}) with DescribeAlarms`,
      {
        cause: error,
      },
    );
  }
}

function error(applied: FleetApply): string {
  return applied.kind === "failed" ? applied.error.message : "unknown error";
}

/** When even the state could not be read: the decision says what failed and nothing was sent. */
function failedPlan(reason: string): FlowPlan {
  return { action: "apply", rule: "evaluation-failed", intentChanged: false, guards: [], reason };
}
