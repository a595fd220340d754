import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";

const events = path.resolve(__dirname, "../fixtures/events");

/** A fresh copy of a recorded event, e.g. `eventFixture("sns/cloudwatch-alarm-ok")`; tests may mutate it. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are raw AWS JSON that tests patch field by field.
export function eventFixture(name: string): any {
  return JSON.parse(readFileSync(path.join(events, `${name}.json`), "utf8"));
}

/** The EventBridge schedule fixture as EventBridge delivers it. */
export const scheduledEvent = eventFixture("eventbridge/scheduled-event");

/**
 * A clone of an SNS alarm fixture whose alarm message is patched (the fixture itself stays as AWS sends
 * it), with its own MessageId when one is given.
 */
export function snsAlarm(name: string, patch: Record<string, unknown> = {}, messageId?: string) {
  const event = eventFixture(`sns/${name}`);
  const sns = event.Records[0].Sns;
  sns.Message = JSON.stringify({ ...JSON.parse(sns.Message), ...patch });
  if (messageId) sns.MessageId = messageId;
  return event;
}

/** CloudWatch's StateChangeTime spelling of an ISO instant: milliseconds kept, `+0000` for `Z`. */
export function alarmTime(iso: string): string {
  return iso.replace("Z", "+0000");
}

/**
 * What a handler returns for a malformed SNS or EventBridge event: the error, returned instead of
 * thrown, so Lambda does not run it (and alert) twice more.
 */
export const rejectedWith = (message: RegExp) => ({
  rejected: true,
  error: { message: expect.stringMatching(message) },
});
