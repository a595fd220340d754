import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { type ForwardWeights, sameStickiness } from "../../canary/domain/split";
import { AwsCallError, ConflictError } from "../../errors";
import type { ForwardRef, ListenerRules } from "../../ports/listener-rules";
import { retryTransient } from "./retry";

export interface ListenerRulesOptions {
  /** Remaining time budget of the invocation: no retry starts after it. */
  deadline: () => Date;
}

/**
 * The forward action of an ALB listener rule (ModifyRule) or of a listener's default action
 * (ModifyListener). Weights and stickiness go out in one call, so a rollback's "canary weight 0" and
 * "stickiness off" can never be half applied.
 */
export function createElbv2ListenerRules(
  client: ElasticLoadBalancingV2Client,
  options: ListenerRulesOptions,
): ListenerRules {
  async function actionsOf(ref: ForwardRef): Promise<Action[]> {
    try {
      if (ref.kind === "rule") {
        const out = await client.send(new DescribeRulesCommand({ RuleArns: [ref.ruleArn] }));
        const rule = out.Rules?.find((r) => r.RuleArn === ref.ruleArn) ?? out.Rules?.[0];
        if (rule === undefined) throw new AwsCallError(`listener rule ${ref.ruleArn} not found`);
        return rule.Actions ?? [];
      }
      const out = await client.send(new DescribeListenersCommand({ ListenerArns: [ref.listenerArn] }));
      const listener = out.Listeners?.[0];
      if (listener === undefined) throw new AwsCallError(`listener ${ref.listenerArn} not found`);
      return listener.DefaultActions ?? [];
    } catch (error) {
      if (error instanceof AwsCallError) throw error;
      if (error instanceof Error && /NotFound/.test(error.name)) {
        throw new AwsCallError(`${describeRef(ref)} not found (${error.name})`, { cause: error });
      }
      throw error;
    }
  }

  return {
    async read(ref) {
      return weightsOf(forwardAction(await actionsOf(ref), ref));
    },

    async write(ref, next, expected) {
      const actions = await actionsOf(ref);
      const forward = forwardAction(actions, ref);
      const current = weightsOf(forward);
      if (!sameForward(current, expected)) {
        throw new ConflictError(
          `${describeRef(ref)} changed since it was read (now ${JSON.stringify(current)}): re-read and decide again`,
        );
      }
      // ModifyRule replaces the whole action list: every other action goes back exactly as read.
      const updated = actions.map((a) => (a === forward ? withForward(a, next) : keepAsRead(a)));
      const retry = {
        attempts: 4,
        baseDelayMs: 200,
        deadline: options.deadline(),
        what: `update ${describeRef(ref)}`,
      };
      if (ref.kind === "rule") {
        await retryTransient(
          () => client.send(new ModifyRuleCommand({ RuleArn: ref.ruleArn, Actions: updated })),
          retry,
        );
        return "ModifyRule";
      }
      await retryTransient(
        () =>
          client.send(new ModifyListenerCommand({ ListenerArn: ref.listenerArn, DefaultActions: updated })),
        retry,
      );
      return "ModifyListener";
    },
  };
}

function describeRef(ref: ForwardRef): string {
  return ref.kind === "rule"
    ? `listener rule ${ref.ruleArn}`
    : `default action of listener ${ref.listenerArn}`;
}

function forwardAction(actions: readonly Action[], ref: ForwardRef): Action {
  const forward = actions.find((a) => a.Type === "forward");
  if (forward === undefined) {
    throw new AwsCallError(
      `${describeRef(ref)} does not forward (actions: ${actions.map((a) => a.Type).join(", ") || "none"})`,
    );
  }
  return forward;
}

function weightsOf(action: Action): ForwardWeights {
  const weights: Record<string, number> = {};
  const groups = action.ForwardConfig?.TargetGroups ?? [];
  for (const group of groups) {
    if (group.TargetGroupArn === undefined) continue;
    // Weight 0 is a weight. A group listed without one gets the ALB's default weight, 1.
    weights[group.TargetGroupArn] = group.Weight === undefined ? 1 : group.Weight;
  }
  if (groups.length === 0 && action.TargetGroupArn !== undefined) weights[action.TargetGroupArn] = 1;
  const sticky = action.ForwardConfig?.TargetGroupStickinessConfig;
  return {
    weights,
    stickiness:
      sticky?.Enabled === true
        ? {
            enabled: true,
            ...(sticky.DurationSeconds === undefined ? {} : { durationSeconds: sticky.DurationSeconds }),
          }
        : { enabled: false },
  };
}

/** Same traffic: a group absent from the action and a group at weight 0 both get none. */
function sameForward(a: ForwardWeights, b: ForwardWeights): boolean {
  const arns = new Set([...Object.keys(a.weights), ...Object.keys(b.weights)]);
  for (const arn of arns) if ((a.weights[arn] ?? 0) !== (b.weights[arn] ?? 0)) return false;
  return sameStickiness(a.stickiness, b.stickiness);
}

function withForward(action: Action, next: ForwardWeights): Action {
  // TargetGroupArn must go: with it, ForwardConfig may hold only that one group.
  const { TargetGroupArn: _, ForwardConfig: __, ...rest } = action;
  return {
    ...rest,
    Type: "forward",
    ForwardConfig: {
      TargetGroups: Object.entries(next.weights).map(([TargetGroupArn, Weight]) => ({
        TargetGroupArn,
        Weight,
      })),
      TargetGroupStickinessConfig: next.stickiness.enabled
        ? { Enabled: true, DurationSeconds: next.stickiness.durationSeconds }
        : { Enabled: false },
    },
  };
}

function keepAsRead(action: Action): Action {
  // Describe* never returns the OIDC client secret; without this flag ModifyRule would demand it again.
  if (action.Type === "authenticate-oidc" && action.AuthenticateOidcConfig) {
    return {
      ...action,
      AuthenticateOidcConfig: { ...action.AuthenticateOidcConfig, UseExistingClientSecret: true },
    };
  }
  return action;
}
