import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  type StateValue,
} from "@aws-sdk/client-cloudwatch";
import { setAlarmState } from "./canary-world";

/** A CloudWatch client for seeding alarms in moto, in the stage's region (alarms are regional). */
export function seedingCloudWatch(motoUrl: string, region = "eu-west-1"): CloudWatchClient {
  return new CloudWatchClient({
    region,
    endpoint: motoUrl,
    credentials: { accessKeyId: "seed", secretAccessKey: "seed" },
    maxAttempts: 1,
  });
}

/**
 * A flow-control alarm as an operator would define it (CPU of the fleet), in the state given: flow
 * control confirms every notification with DescribeAlarms, so the alarm must exist where it reads.
 */
export async function putFleetAlarm(
  cloudwatch: CloudWatchClient,
  alarmName: string,
  state: StateValue = "OK",
): Promise<void> {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: alarmName,
      Namespace: "AWS/EC2",
      MetricName: "CPUUtilization",
      Statistic: "Average",
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 80,
      ComparisonOperator: "GreaterThanThreshold",
    }),
  );
  await setAlarmState(cloudwatch, alarmName, state, "seeded");
}

/**
 * What CloudWatch does before it notifies: the alarm changes state. For every alarm notification in an
 * SNS event whose alarm is one of `alarmNames`, the alarm is created if needed and put in the notified
 * state, so the notification is a real one. Other alarms (unknown, hostile names) are left alone.
 */
export async function alarmsChangedAsNotified(
  cloudwatch: CloudWatchClient,
  event: unknown,
  alarmNames: readonly string[],
): Promise<void> {
  const records = (event as { Records?: { Sns?: { Message?: unknown } }[] })?.Records;
  if (!Array.isArray(records)) return;
  for (const record of records) {
    let message: { AlarmName?: unknown; NewStateValue?: unknown };
    try {
      message = JSON.parse(String(record?.Sns?.Message ?? ""));
    } catch {
      continue;
    }
    const name = message?.AlarmName;
    const state = message?.NewStateValue;
    if (typeof name !== "string" || !alarmNames.includes(name)) continue;
    if (state !== "OK" && state !== "ALARM" && state !== "INSUFFICIENT_DATA") continue;
    await changeAlarmState(cloudwatch, name, state);
  }
}

/**
 * An existing alarm only changes state, as in CloudWatch; it is created when missing. Re-creating it would
 * reset its state (PutMetricAlarm does), so two notifications handled at the same moment would each see
 * the other's reset instead of the state they were notified of.
 */
async function changeAlarmState(
  cloudwatch: CloudWatchClient,
  name: string,
  state: StateValue,
): Promise<void> {
  const { MetricAlarms } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  const current = MetricAlarms?.[0];
  if (current === undefined) return putFleetAlarm(cloudwatch, name, state);
  if (current.StateValue !== state) await setAlarmState(cloudwatch, name, state, "notified");
}
