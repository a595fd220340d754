import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
} from "@aws-sdk/client-cloudwatch";
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  RuleNotFoundException,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createCloudWatchAlarmStates } from "../../../shared/adapters/aws/cloudwatch-alarm-states";
import { createElbv2ListenerRules } from "../../../shared/adapters/aws/elbv2-listener-rules";
import { createElbv2TargetHealth } from "../../../shared/adapters/aws/elbv2-target-health";
import { AwsCallError, ConflictError } from "../../../shared/errors";

const RULE = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/1/2/3";
const LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/1/2";
const STABLE = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/stable/1";
const CANARY = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/canary/2";

const elb = mockClient(ElasticLoadBalancingV2Client);
const cw = mockClient(CloudWatchClient);
afterEach(() => {
  elb.reset();
  cw.reset();
});

const oidc = {
  Type: "authenticate-oidc" as const,
  Order: 1,
  AuthenticateOidcConfig: {
    Issuer: "https://idp.example.com",
    AuthorizationEndpoint: "https://idp.example.com/auth",
    TokenEndpoint: "https://idp.example.com/token",
    UserInfoEndpoint: "https://idp.example.com/userinfo",
    ClientId: "checkout",
  },
};
const forward = (stable: number, canary: number, sticky?: number) => ({
  Type: "forward" as const,
  Order: 2,
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: STABLE, Weight: stable },
      { TargetGroupArn: CANARY, Weight: canary },
    ],
    TargetGroupStickinessConfig: sticky ? { Enabled: true, DurationSeconds: sticky } : { Enabled: false },
  },
});
const rules = () =>
  createElbv2ListenerRules(new ElasticLoadBalancingV2Client({ region: "eu-west-1" }), {
    deadline: () => new Date(Date.now() + 10_000),
  });
const weights = (stable: number, canary: number) => ({ [STABLE]: stable, [CANARY]: canary });

describe("ELBv2 listener rules adapter", () => {
  it("reads weights and stickiness from the rule's forward action", async () => {
    elb
      .on(DescribeRulesCommand)
      .resolves({ Rules: [{ RuleArn: RULE, Actions: [oidc, forward(990, 10, 86_400)] }] });
    expect(await rules().read({ kind: "rule", ruleArn: RULE })).toEqual({
      weights: weights(990, 10),
      stickiness: { enabled: true, durationSeconds: 86_400 },
    });
  });

  it("reads a plain single-group forward as that group with all the traffic", async () => {
    elb.on(DescribeListenersCommand).resolves({
      Listeners: [{ ListenerArn: LISTENER, DefaultActions: [{ Type: "forward", TargetGroupArn: STABLE }] }],
    });
    expect(await rules().read({ kind: "listener-default", listenerArn: LISTENER })).toEqual({
      weights: { [STABLE]: 1 },
      stickiness: { enabled: false },
    });
  });

  it("writes weights and stickiness in one ModifyRule, keeping the other actions and the OIDC secret", async () => {
    elb.on(DescribeRulesCommand).resolves({
      Rules: [{ RuleArn: RULE, Actions: [oidc, { ...forward(990, 10, 86_400), TargetGroupArn: STABLE }] }],
    });
    elb.on(ModifyRuleCommand).resolves({});
    const call = await rules().write(
      { kind: "rule", ruleArn: RULE },
      { weights: weights(999, 0), stickiness: { enabled: false } },
      { weights: weights(990, 10), stickiness: { enabled: true, durationSeconds: 86_400 } },
    );
    expect(call).toBe("ModifyRule");
    const calls = elb.commandCalls(ModifyRuleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      RuleArn: RULE,
      Actions: [
        {
          ...oidc,
          AuthenticateOidcConfig: { ...oidc.AuthenticateOidcConfig, UseExistingClientSecret: true },
        },
        {
          Type: "forward",
          Order: 2,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: STABLE, Weight: 999 },
              { TargetGroupArn: CANARY, Weight: 0 },
            ],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ],
    });
  });

  it("uses ModifyListener for a listener's default action", async () => {
    elb
      .on(DescribeListenersCommand)
      .resolves({ Listeners: [{ ListenerArn: LISTENER, DefaultActions: [forward(999, 0)] }] });
    elb.on(ModifyListenerCommand).resolves({});
    const call = await rules().write(
      { kind: "listener-default", listenerArn: LISTENER },
      { weights: weights(990, 10), stickiness: { enabled: true, durationSeconds: 3600 } },
      { weights: weights(999, 0), stickiness: { enabled: false } },
    );
    expect(call).toBe("ModifyListener");
    expect(
      elb.commandCalls(ModifyListenerCommand)[0]?.args[0].input.DefaultActions?.[0]?.ForwardConfig,
    ).toEqual({
      TargetGroups: [
        { TargetGroupArn: STABLE, Weight: 990 },
        { TargetGroupArn: CANARY, Weight: 10 },
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
    });
  });

  it("refuses to write over a forward action someone changed since it was read", async () => {
    elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: RULE, Actions: [forward(500, 500, 60)] }] });
    await expect(
      rules().write(
        { kind: "rule", ruleArn: RULE },
        { weights: weights(950, 50), stickiness: { enabled: false } },
        { weights: weights(990, 10), stickiness: { enabled: false } },
      ),
    ).rejects.toThrow(ConflictError);
    expect(elb.commandCalls(ModifyRuleCommand)).toHaveLength(0);
  });

  it("names the rule when it does not exist", async () => {
    elb
      .on(DescribeRulesCommand)
      .rejects(new RuleNotFoundException({ message: "One or more rules not found", $metadata: {} }));
    await expect(rules().read({ kind: "rule", ruleArn: RULE })).rejects.toThrow(
      new AwsCallError(`listener rule ${RULE} not found (RuleNotFoundException)`),
    );
  });

  it("refuses a rule that does not forward", async () => {
    elb.on(DescribeRulesCommand).resolves({
      Rules: [{ RuleArn: RULE, Actions: [{ Type: "redirect", RedirectConfig: { StatusCode: "HTTP_301" } }] }],
    });
    await expect(rules().read({ kind: "rule", ruleArn: RULE })).rejects.toThrow(
      /does not forward \(actions: redirect\)/,
    );
  });
});

describe("CloudWatch alarm states adapter", () => {
  it("asks for at most 100 names per call, metric and composite alarms alike", async () => {
    cw.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => ({
      MetricAlarms: (input.AlarmNames ?? [])
        .filter((n) => n !== "gone")
        .map((n) => ({ AlarmName: n, StateValue: "OK" })),
      CompositeAlarms: [],
    }));
    const names = Array.from({ length: 150 }, (_, i) => `gate-${i}`).concat("gone");
    const states = await createCloudWatchAlarmStates(new CloudWatchClient({ region: "eu-west-1" })).read(
      names,
    );
    const calls = cw.commandCalls(DescribeAlarmsCommand);
    expect(calls.map((c) => c.args[0].input.AlarmNames?.length)).toEqual([100, 51]);
    expect(calls[0]?.args[0].input.AlarmTypes).toEqual(["MetricAlarm", "CompositeAlarm"]);
    expect(states).toHaveLength(150);
  });

  it("reads an alarm in an unknown state as no data, never as OK", async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: "a", StateValue: "SOMETHING_NEW" as never, StateReason: "?" }],
      CompositeAlarms: [{ AlarmName: "b", StateValue: "ALARM" }],
    });
    const states = await createCloudWatchAlarmStates(new CloudWatchClient({ region: "eu-west-1" })).read([
      "a",
      "b",
    ]);
    expect(states).toEqual([
      { name: "a", state: "INSUFFICIENT_DATA", reason: "?" },
      { name: "b", state: "ALARM" },
    ]);
  });
});

describe("ELBv2 target health adapter", () => {
  it("counts only healthy targets as healthy", async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: "10.0.1.1" }, TargetHealth: { State: "healthy" } },
        { Target: { Id: "10.0.1.2" }, TargetHealth: { State: "initial" } },
        { Target: { Id: "10.0.1.3" }, TargetHealth: { State: "unhealthy" } },
        { Target: { Id: "10.0.1.4" }, TargetHealth: { State: "healthy" } },
      ],
    });
    const health = await createElbv2TargetHealth(
      new ElasticLoadBalancingV2Client({ region: "eu-west-1" }),
    ).read(CANARY);
    expect(health).toEqual({ healthy: 2, total: 4, byState: { healthy: 2, initial: 1, unhealthy: 1 } });
  });
});
