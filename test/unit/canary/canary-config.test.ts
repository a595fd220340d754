import { describe, expect, it } from "vitest";
import { canarySectionSchema } from "../../../shared/canary/config";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { InvalidConfigError } from "../../../shared/errors";

const ACCOUNT = "arn:aws:elasticloadbalancing:eu-west-1:123456789012";
const RULE = `${ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const LISTENER = `${ACCOUNT}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const STABLE = `${ACCOUNT}:targetgroup/checkout-stable/73e2d6bc24d8a067`;
const CANARY = `${ACCOUNT}:targetgroup/checkout-canary/83e2d6bc24d8a067`;

const canary = (over: Record<string, unknown> = {}) => ({
  name: "checkout",
  listenerRuleArn: RULE,
  stableTargetGroupArn: STABLE,
  canaryTargetGroupArn: CANARY,
  gateAlarms: ["checkout-canary-5xx"],
  ...over,
});

function problems(section: unknown): string[] {
  const result = canarySectionSchema.safeParse(section);
  if (result.success) throw new Error("expected the section to be rejected");
  return result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("canary configuration", () => {
  it("fills the documented defaults: 1/5/25/50/100% with 10-minute bakes, one-day stickiness, auto", () => {
    const section = canarySectionSchema.parse({ canaries: [canary()] });
    expect(section.mode).toBe("auto");
    expect(section.schedule).toBe("rate(1 minute)");
    expect(section.canaries[0]).toMatchObject({
      steps: [1, 5, 25, 50, 100].map((percent) => ({ percent, bakeMinutes: 10 })),
      minHealthyTargets: 1,
      stickinessSeconds: 86_400,
    });
  });

  it("lets a step carry its own bake time", () => {
    const section = canarySectionSchema.parse({
      canaries: [canary({ steps: [0.5, { percent: 50, bakeMinutes: 60 }, 100], bakeMinutes: 5 })],
    });
    expect(section.canaries[0]?.steps).toEqual([
      { percent: 0.5, bakeMinutes: 5 },
      { percent: 50, bakeMinutes: 60 },
      { percent: 100, bakeMinutes: 5 },
    ]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "both a rule and a listener",
      { listenerArn: LISTENER },
      /canaries\.0\.listenerRuleArn: name exactly one/,
    ],
    ["neither a rule nor a listener", { listenerRuleArn: undefined }, /name exactly one of listenerRuleArn/],
    [
      "a target group ARN that is not one",
      { canaryTargetGroupArn: "checkout-canary" },
      /canaryTargetGroupArn: must be an ALB target group ARN/,
    ],
    [
      "the same group twice",
      { canaryTargetGroupArn: STABLE },
      /canaryTargetGroupArn: the canary group must differ/,
    ],
    ["steps out of order", { steps: [5, 1, 100] }, /steps\.1: steps must be strictly ascending/],
    ["a plan that never reaches 100%", { steps: [1, 5, 50] }, /steps\.2: the last step must be 100/],
    ["a share finer than the ALB's 0.1%", { steps: [0.05, 100] }, /steps\.0: .*multiple of 0\.1/],
    ["stickiness beyond seven days", { stickinessSeconds: 604_801 }, /stickinessSeconds: /],
    ["no gate alarm", { gateAlarms: [] }, /gateAlarms: /],
    ["a gate named twice", { gateAlarms: ["a", "a"] }, /gateAlarms: gate alarm names must be unique/],
    ["a typo in a key", { bakeMinuts: 5 }, /bakeMinuts/],
  ])("rejects %s, naming the key", (_name, over, expected) => {
    expect(problems({ canaries: [canary(over)] }).join("\n")).toMatch(expected);
  });

  it("rejects two canaries steering one rule, and duplicate names", () => {
    const found = problems({ canaries: [canary(), canary()] }).join("\n");
    expect(found).toMatch(/canaries\.1\.name: canary name "checkout" is used twice/);
    expect(found).toMatch(/canaries\.1\.listenerRuleArn: another canary already steers this rule/);
  });

  it("is a section of the stage file, with every bad key listed by path", () => {
    const text = `
stage: prod
region: eu-west-1
parameterPrefix: /traffic-autopilot/prod
slack: { channel: "#traffic", tokenParameter: /traffic-autopilot/prod/slack-token }
canary:
  mode: plan
  canaries:
    - name: checkout
      listenerRuleArn: ${RULE}
      stableTargetGroupArn: ${STABLE}
      canaryTargetGroupArn: ${CANARY}
      gateAlarms: [checkout-canary-5xx]
      minHealthyTargets: 0
`;
    try {
      parseStageConfig(text, "prod.yml");
      throw new Error("expected the config to be rejected");
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as InvalidConfigError).problems).toEqual([
        expect.stringMatching(/^canary\.canaries\.0\.minHealthyTargets: /),
      ]);
    }
    const valid = parseStageConfig(text.replace("minHealthyTargets: 0", "minHealthyTargets: 2"), "prod.yml");
    expect(valid.canary?.mode).toBe("plan");
  });
});
