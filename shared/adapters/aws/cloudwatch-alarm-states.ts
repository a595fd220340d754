import { type CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { AlarmObservation, AlarmStateValue } from "../../kernel/domain/alarm-observation";
import type { AlarmStates } from "../../ports/alarm-states";

/** DescribeAlarms takes at most 100 alarm names per call. */
const NAMES_PER_CALL = 100;
const MAX_PAGES = 10;
const STATES = new Set<string>(["OK", "ALARM", "INSUFFICIENT_DATA"]);

/**
 * Current alarm states through DescribeAlarms, metric and composite alarms alike. The canary reads
 * states here instead of trusting the SNS notification that woke it: notifications are delivered at
 * least once and in any order, states are what is true now.
 */
export function createCloudWatchAlarmStates(client: CloudWatchClient): AlarmStates {
  return {
    async read(names) {
      const found: AlarmObservation[] = [];
      const unique = [...new Set(names)];
      for (let i = 0; i < unique.length; i += NAMES_PER_CALL) {
        let nextToken: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const out = await client.send(
            new DescribeAlarmsCommand({
              AlarmNames: unique.slice(i, i + NAMES_PER_CALL),
              AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
              NextToken: nextToken,
            }),
          );
          for (const alarm of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
            if (alarm.AlarmName === undefined) continue;
            // An unknown state is not a pass: read it as "no data".
            const state = STATES.has(alarm.StateValue ?? "")
              ? (alarm.StateValue as AlarmStateValue)
              : "INSUFFICIENT_DATA";
            found.push({
              name: alarm.AlarmName,
              state,
              ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
              ...(alarm.StateUpdatedTimestamp
                ? { updatedAt: alarm.StateUpdatedTimestamp.toISOString() }
                : {}),
            });
          }
          nextToken = out.NextToken;
          if (nextToken === undefined) break;
        }
      }
      return found;
    },
  };
}
