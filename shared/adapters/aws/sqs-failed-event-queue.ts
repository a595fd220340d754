import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { FailedEventQueue, QueuedMessage } from "../../ports/failed-event-queue";

/** SQS returns at most 10 messages per ReceiveMessage call. */
const SQS_MAX_BATCH = 10;

/** The stack's on-failure queue, found by name (its URL is looked up once). */
export function createSqsFailedEventQueue(client: SQSClient, queueName: string): FailedEventQueue {
  let url: Promise<string> | undefined;
  const queueUrl = () => {
    url ??= client.send(new GetQueueUrlCommand({ QueueName: queueName })).then((out) => {
      if (!out.QueueUrl) throw new Error(`queue ${queueName} has no URL`);
      return out.QueueUrl;
    });
    url.catch(() => {
      url = undefined;
    });
    return url;
  };
  const receive = async (max: number, visibility: number): Promise<QueuedMessage[]> => {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: await queueUrl(),
        MaxNumberOfMessages: Math.min(SQS_MAX_BATCH, Math.max(1, max)),
        VisibilityTimeout: visibility,
        WaitTimeSeconds: 0,
      }),
    );
    return (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? "",
      body: m.Body ?? "",
      receiptHandle: m.ReceiptHandle ?? "",
    }));
  };
  return {
    name: queueName,
    async depth() {
      const out = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: await queueUrl(),
          AttributeNames: ["ApproximateNumberOfMessages"],
        }),
      );
      return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
    },
    // Visibility 0: status looks without hiding anything from a concurrent redrive.
    peek: (max) => receive(max, 0),
    take: (max, hideSeconds) => receive(max, hideSeconds),
    async remove(message) {
      await client.send(
        new DeleteMessageCommand({ QueueUrl: await queueUrl(), ReceiptHandle: message.receiptHandle }),
      );
    },
    async release(message) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: await queueUrl(),
          ReceiptHandle: message.receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    },
  };
}
