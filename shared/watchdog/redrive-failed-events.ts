import type { FailedEventQueue, QueuedMessage } from "../ports/failed-event-queue";
import { parseInvocationRecord } from "./domain/invocation-record";

/**
 * Runs one failed event again through its function's handler (synchronously), so it meets the same
 * validation and idempotency rules as when it first arrived.
 */
export interface EventReplayer {
  replay(
    functionName: string,
    payload: unknown,
  ): Promise<{ ok: true; response: unknown } | { ok: false; error: string }>;
}

export type RedriveOutcome = "replayed" | "failed-again" | "rejected" | "unreadable";

export interface RedriveReport {
  queue: string;
  events: { messageId: string; function: string; outcome: RedriveOutcome; detail: string }[];
}

/** At most this many messages per redrive: a runaway queue is drained over several runs, not one. */
export const DEFAULT_REDRIVE_MAX = 100;
/** While replayed, a message is hidden from status and from a concurrent redrive. */
const HIDE_SECONDS = 900;

/**
 * Replays the queue's failed events after a fix. Each message is deleted only once its replay
 * succeeded; one that fails again, one its function rejects as malformed, and one that is not a
 * Lambda invocation record stay in the queue (made visible again) and are reported with why.
 */
export async function redriveFailedEvents(
  queue: FailedEventQueue,
  replayer: EventReplayer,
  max = DEFAULT_REDRIVE_MAX,
): Promise<RedriveReport> {
  const report: RedriveReport = { queue: queue.name, events: [] };
  const kept: QueuedMessage[] = [];
  // Kept messages are hidden until released at the end, so each round sees new ones; bounded anyway.
  for (let round = 0; report.events.length < max && round < Math.ceil(max / 10) + 1; round++) {
    const batch = await queue.take(Math.min(10, max - report.events.length), HIDE_SECONDS);
    if (batch.length === 0) break;
    for (const message of batch) {
      const parsed = parseInvocationRecord(message.messageId, message.body);
      if (!parsed.ok) {
        kept.push(message);
        report.events.push({
          messageId: message.messageId,
          function: "?",
          outcome: "unreadable",
          detail: parsed.problem,
        });
        continue;
      }
      const { functionName, payload } = parsed.event;
      const result = await replayer.replay(functionName, payload);
      const rejected = result.ok && isRejected(result.response);
      if (result.ok && !rejected) {
        await queue.remove(message);
        report.events.push({
          messageId: message.messageId,
          function: functionName,
          outcome: "replayed",
          detail: "done",
        });
      } else {
        kept.push(message);
        report.events.push({
          messageId: message.messageId,
          function: functionName,
          outcome: rejected ? "rejected" : "failed-again",
          detail: result.ok ? rejectedDetail(result.response) : result.error,
        });
      }
    }
  }
  for (const message of kept) await queue.release(message);
  return report;
}

function isRejected(response: unknown): boolean {
  return (
    typeof response === "object" &&
    response !== null &&
    (response as { rejected?: unknown }).rejected === true
  );
}

function rejectedDetail(response: unknown): string {
  const error = (response as { error?: { name?: string; message?: string } }).error;
  return `the function rejects it as malformed (${error?.name ?? "Error"}: ${error?.message ?? ""}); it stays in the queue`;
}
