/**
 * Events shaped exactly as AWS delivers them, built from the captured deliveries under
 * test/fixtures/events with only the ids, names, ARNs and times replaced where AWS puts them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { StateValue } from "@aws-sdk/client-cloudwatch";
import { alarmSnsEvent } from "../seed/canary-world";

const FIXTURES = path.resolve(__dirname, "../../test/fixtures/events");
const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8"));

const iso = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, "Z");

/** An EventBridge scheduled event for the function's rule (`rate(1 minute)` and friends). */
export function scheduledEvent(at: Date, stage: string, functionName: string): unknown {
  const event = fixture("eventbridge/scheduled-event.json") as Record<string, unknown>;
  return {
    ...event,
    id: `gameday-${functionName}-${at.getTime()}`,
    time: iso(at),
    resources: [`arn:aws:events:eu-west-1:123456789012:rule/traffic-autopilot-${stage}-${functionName}`],
  };
}

let deliveries = 0;

/** A CloudWatch alarm state change delivered by SNS on the stage's alarm topic. */
export function alarmEvent(
  change: { alarmName: string; newState: StateValue; oldState: StateValue; at: Date; reason: string },
  topicArn: string | undefined,
): unknown {
  const template = fixture(
    change.newState === "OK" ? "sns/cloudwatch-alarm-ok.json" : "sns/cloudwatch-alarm-in-alarm.json",
  );
  const event = alarmSnsEvent(template, change) as {
    Records: { EventSubscriptionArn: string; Sns: { TopicArn: string; MessageId: string } }[];
  };
  for (const record of event.Records) {
    // Two alarms can change in the same second: each delivery gets its own message id.
    deliveries += 1;
    record.Sns.MessageId = `${record.Sns.MessageId.slice(0, 24)}${deliveries.toString(16).padStart(4, "0")}${String(change.at.getTime()).slice(-8)}`;
    if (topicArn !== undefined) {
      record.Sns.TopicArn = topicArn;
      record.EventSubscriptionArn = `${topicArn}:${record.EventSubscriptionArn.split(":").at(-1)}`;
    }
  }
  return event;
}

/** The CloudTrail `ImportCertificate` record EventBridge delivers when someone imports into ACM. */
export function importCertificateEvent(certificateArn: string, at: Date): unknown {
  const event = fixture("eventbridge/cloudtrail-import-certificate.json") as {
    id: string;
    time: string;
    detail: Record<string, unknown>;
  };
  return {
    ...event,
    id: `gameday-import-${at.getTime()}`,
    time: iso(at),
    detail: { ...event.detail, eventTime: iso(at), responseElements: { certificateArn } },
  };
}
