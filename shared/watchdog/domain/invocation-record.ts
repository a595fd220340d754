/**
 * Lambda's on-failure destination record for an asynchronous invocation (AWS Lambda developer guide,
 * "Capturing records of Lambda asynchronous invocations"): the SQS message body is this JSON.
 *
 * @example
 * {
 *   "version": "1.0",
 *   "timestamp": "2026-11-02T20:05:01.568Z",
 *   "requestContext": {
 *     "requestId": "e4b46cbf-b738-4b7e-8880-a18cdf61200e",
 *     "functionArn": "arn:aws:lambda:eu-west-1:123456789012:function:traffic-autopilot-prod-flow-control:$LATEST",
 *     "condition": "RetriesExhausted",           // or "EventAgeExceeded"
 *     "approximateInvokeCount": 3
 *   },
 *   "requestPayload": { "Records": [ ... the SNS event as delivered ... ] },
 *   "responseContext": { "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" },
 *   "responsePayload": { "errorType": "InvalidConfigError", "errorMessage": "...", "trace": [ ... ] }
 * }
 */
export interface InvocationRecord {
  version: string;
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: string;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext?: { statusCode?: number; executedVersion?: string; functionError?: string };
  responsePayload?: unknown;
}

/** One failed event waiting in the queue, as status and redrive see it. */
export interface FailedEvent {
  messageId: string;
  /** The function's name (the ARN without qualifier), e.g. traffic-autopilot-prod-flow-control. */
  functionName: string;
  condition: string;
  attempts: number;
  failedAt: string;
  error: string;
  payload: unknown;
}

/** Reads one queue message body; a body that is not a Lambda invocation record says why. */
export function parseInvocationRecord(
  messageId: string,
  body: string,
): { ok: true; event: FailedEvent } | { ok: false; problem: string } {
  let record: Partial<InvocationRecord>;
  try {
    record = JSON.parse(body) as Partial<InvocationRecord>;
  } catch {
    return { ok: false, problem: "the message body is not JSON" };
  }
  const context = record?.requestContext;
  const arn = context?.functionArn;
  if (typeof arn !== "string" || !arn.includes(":function:") || record.requestPayload === undefined) {
    return {
      ok: false,
      problem: "not a Lambda invocation record (no requestContext.functionArn or requestPayload)",
    };
  }
  return {
    ok: true,
    event: {
      messageId,
      functionName: arn.split(":function:")[1]?.split(":")[0] ?? arn,
      condition: String(context?.condition ?? "unknown"),
      attempts: Number(context?.approximateInvokeCount ?? 0),
      failedAt: String(record.timestamp ?? ""),
      error: describeFailure(record),
      payload: record.requestPayload,
    },
  };
}

function describeFailure(record: Partial<InvocationRecord>): string {
  const payload = record.responsePayload as { errorType?: unknown; errorMessage?: unknown } | undefined;
  if (payload && (payload.errorType !== undefined || payload.errorMessage !== undefined)) {
    return `${String(payload.errorType ?? "Error")}: ${String(payload.errorMessage ?? "")}`.slice(0, 500);
  }
  return record.requestContext?.condition === "EventAgeExceeded"
    ? "EventAgeExceeded: the event waited longer than the maximum event age"
    : `${record.responseContext?.functionError ?? "failed"}`;
}

/** What status shows: how many wait, and the newest few with function, error and age. */
export interface FailedEventsStatus {
  queue: string;
  waiting: number;
  newest: { function: string; error: string; failedAt: string; ageMinutes: number; attempts: number }[];
  /** Messages that are not Lambda invocation records (put there by hand). */
  unreadable: number;
}

export function summariseFailedEvents(
  queue: string,
  waiting: number,
  events: readonly FailedEvent[],
  unreadable: number,
  now: Date,
  limit = 5,
): FailedEventsStatus {
  const newest = [...events]
    .sort((a, b) => b.failedAt.localeCompare(a.failedAt))
    .slice(0, limit)
    .map((e) => ({
      function: e.functionName,
      error: e.error,
      failedAt: e.failedAt,
      ageMinutes: Math.max(0, Math.floor((now.getTime() - Date.parse(e.failedAt)) / 60_000)),
      attempts: e.attempts,
    }));
  return { queue, waiting: Math.max(waiting, events.length + unreadable), newest, unreadable };
}
