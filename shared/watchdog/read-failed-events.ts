import { describeError } from "../errors";
import type { FailedEventQueue } from "../ports/failed-event-queue";
import type { StatusDocument, StatusQuery } from "../status/domain/types";
import {
  type FailedEvent,
  type FailedEventsStatus,
  parseInvocationRecord,
  summariseFailedEvents,
} from "./domain/invocation-record";

/** SQS hands out at most 10 messages per call: status looks at one batch (the count is exact-ish). */
const PEEK = 10;

/** How many failed events wait, and the newest few (function, error, age), without hiding any. */
export async function readFailedEvents(
  queue: FailedEventQueue,
  now: Date,
  query: StatusQuery = {},
): Promise<FailedEventsStatus> {
  const [waiting, messages] = await Promise.all([queue.depth(), queue.peek(PEEK)]);
  const events: FailedEvent[] = [];
  let unreadable = 0;
  for (const message of messages) {
    const parsed = parseInvocationRecord(message.messageId, message.body);
    if (parsed.ok) events.push(parsed.event);
    else unreadable += 1;
  }
  const wanted = query.automation
    ? events.filter((e) => e.functionName.endsWith(`-${query.automation}`))
    : events;
  return summariseFailedEvents(queue.name, waiting, wanted, unreadable, now);
}

/** The status document with the on-failure queue's section; an unreadable queue carries its error. */
export async function withFailedEvents(
  document: Promise<StatusDocument>,
  queue: FailedEventQueue | undefined,
  now: Date,
  query: StatusQuery,
): Promise<StatusDocument & { failedEvents?: FailedEventsStatus | { error: string } }> {
  if (queue === undefined) return document;
  const [doc, failedEvents] = await Promise.all([
    document,
    readFailedEvents(queue, now, query).catch((error: unknown) => ({
      error: `${describeError(error).name}: ${describeError(error).message}`,
    })),
  ]);
  return { ...doc, failedEvents };
}
