import type { ForwardWeights } from "../canary/domain/split";

/** The ALB forward action a canary steers: a listener rule, or a listener's default action. */
export type ForwardRef =
  | { kind: "rule"; ruleArn: string }
  | { kind: "listener-default"; listenerArn: string };

export interface ListenerRules {
  /** The forward action's target-group weights and group stickiness, as the ALB holds them now. */
  read(ref: ForwardRef): Promise<ForwardWeights>;
  /**
   * Replaces the forward action's weights and stickiness in ONE ModifyRule (or ModifyListener) call,
   * keeping every other action of the rule as it is. Throws ConflictError when the forward action no
   * longer matches `expected` (someone changed it since we read it). Returns the API call made.
   */
  write(
    ref: ForwardRef,
    next: ForwardWeights,
    expected: ForwardWeights,
  ): Promise<"ModifyRule" | "ModifyListener">;
}
