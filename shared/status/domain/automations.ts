import { stepLabel } from "../../canary/domain/commands";
import { canaryPercent } from "../../canary/domain/split";
import type { CanaryRecord, CanarySplit, CanaryStep } from "../../canary/domain/types";
import type { FleetState, FleetTag } from "../../flow-control/domain/types";
import type { StoredOverride } from "../../kernel/domain/override-types";
import type { PendingWeightPlan } from "../../origin-balancer/domain/pending-weight-plan";
import type { BalancerState, Weights } from "../../origin-balancer/domain/types";
import { weightsToShares } from "../../origin-balancer/domain/weights";
import { overrideFor, planStatus } from "./overrides";
import type { CanaryStatus, FleetStatus, PoolStatus } from "./types";

/**
 * One pool as status shows it: the weights Route 53 holds now, their shares in percent (one decimal),
 * and what the balancer remembers of its last decisions.
 *
 * @example weights {primary 128, elastic 127}, last change 10:02 offload -> shares {50.2, 49.8}, lastChange 10:02
 */
export function poolStatus(input: {
  pool: string;
  record: { hostedZoneId: string; name: string; type: string };
  weights: Weights;
  state: BalancerState | undefined;
  plan?: PendingWeightPlan | undefined;
  overrides: readonly StoredOverride[];
  now: Date;
}): PoolStatus {
  const { state, now } = input;
  const shares = weightsToShares(input.weights);
  const last = state?.recentChanges.at(-1);
  const hourAgo = now.getTime() - 3_600_000;
  const override = overrideFor("origin-balancer", input.pool, input.overrides, now);
  return {
    pool: input.pool,
    record: `${input.record.name} ${input.record.type} (zone ${input.record.hostedZoneId})`,
    weights: input.weights,
    shares: Object.fromEntries(Object.entries(shares).map(([id, s]) => [id, Math.round(s * 1000) / 10])),
    ...(state
      ? {
          state: {
            ...(last
              ? { lastChange: { at: last.at, direction: last.direction === 1 ? "offload" : "give-back" } }
              : {}),
            changesLastHour: state.recentChanges.filter((c) => Date.parse(c.at) > hourAgo).length,
            ...(state.belowReleaseSince ? { belowReleaseSince: state.belowReleaseSince } : {}),
            ...(state.heldEpisode ? { heldEpisode: state.heldEpisode } : {}),
            ...(state.noDataSince ? { noDataSince: state.noDataSince } : {}),
            ...(state.override ? { obeyedOverride: state.override.id } : {}),
          },
        }
      : {}),
    ...(input.plan ? { plan: planStatus(input.plan, now) } : {}),
    ...(override ? { override } : {}),
  };
}

/**
 * One fleet: the stored intent and, per instance found by tag, the mode it should serve and whether it
 * converged on the last run. Without a stored intent the mode is "unknown", never assumed open.
 *
 * @example intent closed, unconverged [i-2], instances i-1, i-2 -> i-1 closed/converged, i-2 closed/not-converged
 */
export function fleetStatus(input: {
  fleet: string;
  tag: FleetTag;
  state: FleetState | undefined;
  instances: readonly { instanceId: string; name?: string }[];
  overrides: readonly StoredOverride[];
  now: Date;
}): FleetStatus {
  const { state } = input;
  const unconverged = new Set(state?.unconverged ?? []);
  const override = overrideFor("flow-control", input.fleet, input.overrides, input.now);
  return {
    fleet: input.fleet,
    tag: `${input.tag.key}=${input.tag.value}`,
    ...(state
      ? {
          intent: state.intent,
          since: state.appliedAt,
          ...(state.engagedAt ? { engagedAt: state.engagedAt } : {}),
          lastDecision: {
            source: state.source,
            ...(state.pendingRelease
              ? {
                  pendingRelease: {
                    intent: state.pendingRelease.intent,
                    heldAt: state.pendingRelease.heldAt,
                  },
                }
              : {}),
            ...(state.heldEpisode ? { heldEpisode: state.heldEpisode } : {}),
          },
        }
      : {}),
    instances: input.instances.map((i) => ({
      id: i.instanceId,
      ...(i.name ? { name: i.name } : {}),
      mode: state ? state.intent.mode : "unknown",
      result: !state
        ? "unknown"
        : unconverged.has(i.instanceId)
          ? "not-converged"
          : // Beyond the ids the state lists, only their number is known.
            (state.unconvergedCount ?? 0) > unconverged.size
            ? "unknown"
            : "converged",
    })),
    ...(override ? { override } : {}),
  };
}

/**
 * One canary: the step its run record says, and the weights the ALB rule holds now (the rule is the
 * source of truth for weights; they may differ from the step while a change is pending or failed).
 *
 * @example record step 1 of 5, rule 990/10 sticky -> step "step 1 of 5 (1%)", canaryPercent 1
 */
export function canaryStatus(input: {
  name: string;
  steps: readonly CanaryStep[];
  record: CanaryRecord | undefined;
  split: CanarySplit;
  overrides: readonly StoredOverride[];
  now: Date;
}): CanaryStatus {
  const { record, split } = input;
  const override = overrideFor("canary", input.name, input.overrides, input.now);
  return {
    name: input.name,
    status: record?.status ?? "never started",
    step: record ? stepLabel(record, { steps: [...input.steps] }) : "baseline (0%)",
    weights: {
      stable: split.stableWeight,
      canary: split.canaryWeight,
      canaryPercent: canaryPercent(split),
      sticky: split.stickiness.enabled,
    },
    ...(record
      ? {
          run: {
            runId: record.runId,
            startedBy: record.startedBy.author,
            enteredAt: record.enteredAt,
            ...(record.pause
              ? {
                  pause: {
                    author: record.pause.author,
                    reason: record.pause.reason,
                    expiresAt: record.pause.expiresAt,
                  },
                }
              : {}),
            ...(record.pending
              ? {
                  pending: {
                    kind: record.pending.kind,
                    author: record.pending.author,
                    at: record.pending.at,
                  },
                }
              : {}),
            ...(record.ended ? { ended: record.ended } : {}),
            ...(record.heldEpisode ? { heldEpisode: record.heldEpisode } : {}),
          },
        }
      : {}),
    ...(override ? { override } : {}),
  };
}
