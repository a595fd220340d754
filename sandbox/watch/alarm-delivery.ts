import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import type { stackAlarms } from "../../infra/serverless/watch";

/** SNS's envelope as captured from a real delivery (test/fixtures/events). */
const SNS_FIXTURE = path.resolve(__dirname, "../../test/fixtures/events/sns/cloudwatch-alarm-in-alarm.json");

import { readFileSync } from "node:fs";
import path from "node:path";

type StackAlarm = ReturnType<typeof stackAlarms>[number];

/**
 * Creates one of the stack's alarms in moto exactly as the template defines it (its topic given as an
 * ARN instead of a Ref), sets it to `state` as CloudWatch's evaluation would, and returns the SNS event
 * the topic delivers to its subscribers: CloudWatch's notification JSON, read back from DescribeAlarms,
 * in SNS's envelope (moto publishes no alarm notifications itself).
 */
export async function alarmNotification(
  cloudwatch: CloudWatchClient,
  alarm: StackAlarm,
  topicArn: string,
  state: { value: "ALARM" | "OK"; reason: string },
): Promise<unknown> {
  const p = alarm.resource.Properties as Record<string, unknown>;
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      ...(p as unknown as ConstructorParameters<typeof PutMetricAlarmCommand>[0]),
      AlarmActions: [topicArn],
      OKActions: [topicArn],
    }),
  );
  const name = String(p.AlarmName);
  await cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: name, StateValue: state.value, StateReason: state.reason }),
  );
  const described = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] })))
    .MetricAlarms?.[0];
  if (described === undefined) throw new Error(`alarm ${name} not found after PutMetricAlarm`);
  return snsEnvelope(topicArn, notificationOf(described));
}

function notificationOf(alarm: MetricAlarm): Record<string, unknown> {
  return {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription,
    AWSAccountId: "123456789012",
    NewStateValue: alarm.StateValue,
    NewStateReason: alarm.StateReason,
    StateChangeTime: alarm.StateUpdatedTimestamp?.toISOString().replace("Z", "+0000"),
    Region: "EU (Ireland)",
    AlarmArn: alarm.AlarmArn,
    OldStateValue: alarm.StateValue === "ALARM" ? "OK" : "ALARM",
    Trigger: {
      MetricName: alarm.MetricName,
      Namespace: alarm.Namespace,
      Statistic: alarm.Statistic,
      Dimensions: alarm.Dimensions?.map((d) => ({ name: d.Name, value: d.Value })),
      Period: alarm.Period,
      EvaluationPeriods: alarm.EvaluationPeriods,
      ComparisonOperator: alarm.ComparisonOperator,
      Threshold: alarm.Threshold,
      TreatMissingData: alarm.TreatMissingData,
    },
  };
}

export function snsEnvelope(topicArn: string, message: unknown): unknown {
  const event = JSON.parse(readFileSync(SNS_FIXTURE, "utf8"));
  const sns = event.Records[0].Sns;
  sns.TopicArn = topicArn;
  event.Records[0].EventSubscriptionArn = `${topicArn}:6c9f1c2e-3b0a-4d8e-9a51-0f2b7d4c8e31`;
  sns.Message = typeof message === "string" ? message : JSON.stringify(message);
  return event;
}
