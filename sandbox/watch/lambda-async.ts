import { randomUUID } from "node:crypto";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { ASYNC_INVOKE } from "../../infra/serverless/watch";
import type { InvocationRecord } from "../../shared/watchdog/domain/invocation-record";

/**
 * What Lambda does with an asynchronous invocation (moto runs no async retries): the handler is run up
 * to 1 + MaximumRetryAttempts times (the stack's setting); a run that throws is retried; after the last
 * failure the invocation record (shape: shared/watchdog/domain/invocation-record.ts, from the AWS
 * Lambda guide) is sent to the on-failure SQS queue as the message body, as the destination does.
 */
export async function invokeAsynchronously(options: {
  handler: (event: unknown, context: Context) => Promise<unknown>;
  event: unknown;
  functionName: string;
  sqs: SQSClient;
  queueUrl: string;
  context: Context;
}): Promise<{ attempts: number; failures: number; sent?: InvocationRecord }> {
  const attempts = 1 + ASYNC_INVOKE.maximumRetryAttempts;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await options.handler(options.event, options.context);
      return { attempts: attempt, failures: attempt - 1 };
    } catch (error) {
      last = error;
    }
  }
  const error = last instanceof Error ? last : new Error(String(last));
  const record: InvocationRecord = {
    version: "1.0",
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: randomUUID(),
      functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${options.functionName}:$LATEST`,
      condition: "RetriesExhausted",
      approximateInvokeCount: attempts,
    },
    requestPayload: options.event,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    // The Node.js runtime's error response: the class name, the message and the stack lines.
    responsePayload: {
      errorType: error.name,
      errorMessage: error.message,
      trace: (error.stack ?? "").split("\n"),
    },
  };
  await options.sqs.send(
    new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(record) }),
  );
  return { attempts, failures: attempts, sent: record };
}
