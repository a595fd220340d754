import {
  type CloudWatchClient,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type StateValue,
} from "@aws-sdk/client-cloudwatch";
import type { EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { seedTwoZoneNetwork } from "./network";

/** An ALB whose listener rule splits /app/* between a stable and a canary target group (Fargate: IP targets). */
export interface CanaryWorld {
  loadBalancerArn: string;
  listenerArn: string;
  ruleArn: string;
  stableTargetGroupArn: string;
  canaryTargetGroupArn: string;
}

export interface CanaryWorldOptions {
  /** Prefix for the load balancer and target group names (ALB names: 32 characters at most). */
  name: string;
  stableTargets: number;
  canaryTargets: number;
  /** Stickiness the rule starts with (the release before ours left it on). */
  stickinessSeconds: number;
}

/**
 * Creates a VPC with two subnets, an ALB, two IP target groups with registered targets, an HTTP listener
 * that answers 404 by default, and a rule forwarding /app/* with all weight on the stable group.
 */
export async function seedCanaryWorld(
  elbv2: ElasticLoadBalancingV2Client,
  ec2: EC2Client,
  options: CanaryWorldOptions,
): Promise<CanaryWorld> {
  const { vpcId, subnets } = await seedTwoZoneNetwork(ec2, 40);
  const lb = await elbv2.send(
    new CreateLoadBalancerCommand({ Name: `${options.name}-alb`, Subnets: subnets }),
  );
  const loadBalancerArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? "";
  const group = async (suffix: string, targets: number) => {
    const out = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: `${options.name}-${suffix}`,
        Protocol: "HTTP",
        Port: 8080,
        VpcId: vpcId,
        TargetType: "ip",
        HealthCheckPath: "/health",
      }),
    );
    const arn = out.TargetGroups?.[0]?.TargetGroupArn ?? "";
    if (targets > 0) {
      const base = suffix === "stable" ? 10 : 20;
      await elbv2.send(
        new RegisterTargetsCommand({
          TargetGroupArn: arn,
          Targets: Array.from({ length: targets }, (_, i) => ({ Id: `10.40.1.${base + i}`, Port: 8080 })),
        }),
      );
    }
    return arn;
  };
  const stableTargetGroupArn = await group("stable", options.stableTargets);
  const canaryTargetGroupArn = await group("canary", options.canaryTargets);
  const listener = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn,
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [
        { Type: "fixed-response", FixedResponseConfig: { StatusCode: "404", ContentType: "text/plain" } },
      ],
    }),
  );
  const listenerArn = listener.Listeners?.[0]?.ListenerArn ?? "";
  const rule = await elbv2.send(
    new CreateRuleCommand({
      ListenerArn: listenerArn,
      Priority: 10,
      Conditions: [{ Field: "path-pattern", Values: ["/app/*"] }],
      Actions: [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: stableTargetGroupArn, Weight: 999 },
              { TargetGroupArn: canaryTargetGroupArn, Weight: 0 },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: options.stickinessSeconds },
          },
        },
      ],
    }),
  );
  return {
    loadBalancerArn,
    listenerArn,
    ruleArn: rule.Rules?.[0]?.RuleArn ?? "",
    stableTargetGroupArn,
    canaryTargetGroupArn,
  };
}

/** Gate alarms on the canary group's 5xx count and latency, as an operator would define them. */
export async function putGateAlarms(
  cloudwatch: CloudWatchClient,
  world: CanaryWorld,
  names: { errors: string; latency: string },
): Promise<void> {
  const dimensions = [
    { Name: "TargetGroup", Value: world.canaryTargetGroupArn.split(":").at(-1) ?? "" },
    { Name: "LoadBalancer", Value: world.loadBalancerArn.split(":loadbalancer/").at(-1) ?? "" },
  ];
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: names.errors,
      Namespace: "AWS/ApplicationELB",
      MetricName: "HTTPCode_Target_5XX_Count",
      Dimensions: dimensions,
      Statistic: "Sum",
      Period: 60,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 5,
      ComparisonOperator: "GreaterThanThreshold",
      // No traffic is no errors: without this a quiet canary would hold on INSUFFICIENT_DATA forever.
      TreatMissingData: "notBreaching",
    }),
  );
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: names.latency,
      Namespace: "AWS/ApplicationELB",
      MetricName: "TargetResponseTime",
      Dimensions: dimensions,
      ExtendedStatistic: "p99",
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 1.5,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
    }),
  );
}

/** Forces an alarm's state, as CloudWatch would on a threshold crossing. */
export async function setAlarmState(
  cloudwatch: CloudWatchClient,
  alarmName: string,
  state: StateValue,
  reason: string,
): Promise<void> {
  await cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: state, StateReason: reason }),
  );
}

/**
 * An SNS delivery of a CloudWatch alarm state change, built from a captured delivery (a fixture) with the
 * alarm's name, states and time replaced, exactly where CloudWatch and SNS put them.
 */
export function alarmSnsEvent(
  template: unknown,
  change: { alarmName: string; newState: StateValue; oldState: StateValue; at: Date; reason?: string },
): unknown {
  const event = structuredClone(template) as {
    Records: { Sns: { Message: string; Subject?: string; Timestamp: string; MessageId: string } }[];
  };
  for (const record of event.Records) {
    const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
    const arn = String(message.AlarmArn ?? "");
    message.AlarmName = change.alarmName;
    message.AlarmArn = arn.replace(/alarm:.*$/, `alarm:${change.alarmName}`);
    message.NewStateValue = change.newState;
    message.OldStateValue = change.oldState;
    if (change.reason !== undefined) message.NewStateReason = change.reason;
    // CloudWatch writes "+0000", not "Z".
    message.StateChangeTime = change.at.toISOString().replace("Z", "+0000");
    record.Sns.Message = JSON.stringify(message);
    record.Sns.Subject = `${change.newState}: "${change.alarmName}" in ${String(message.Region)}`.slice(
      0,
      100,
    );
    record.Sns.Timestamp = change.at.toISOString();
    record.Sns.MessageId = `${record.Sns.MessageId.slice(0, 24)}${String(change.at.getTime()).slice(-12)}`;
  }
  return event;
}
