import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./bundles";

const fixture = (file: string) =>
  JSON.parse(readFileSync(path.join(repoRoot, "test/fixtures/events", file), "utf8"));

/**
 * An SNS-delivered CloudWatch alarm notification shaped exactly like the test fixture (as AWS sends it),
 * for `alarmName` changing to `state` at `at`; every call gets its own SNS MessageId.
 */
export function alarmNotification(alarmName: string, state: "ALARM" | "OK", at: Date, sequence: number) {
  const event = fixture("sns/flow-control-engage-alarm.json");
  const sns = event.Records[0].Sns;
  const message = JSON.parse(sns.Message);
  sns.Message = JSON.stringify({
    ...message,
    AlarmName: alarmName,
    NewStateValue: state,
    OldStateValue: state === "ALARM" ? "OK" : "ALARM",
    // CloudWatch's own format: milliseconds and a +0000 offset.
    StateChangeTime: at.toISOString().replace("Z", "+0000"),
  });
  sns.Subject = `${state}: "${alarmName}" in EU (Ireland)`;
  sns.MessageId = `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`;
  sns.Timestamp = at.toISOString();
  return event;
}

/** The EventBridge scheduled event that wakes the balancer, at `at`. */
export function scheduledEvent(at: Date) {
  return { ...fixture("eventbridge/scheduled-event.json"), time: at.toISOString().replace(/\.\d{3}Z$/, "Z") };
}
