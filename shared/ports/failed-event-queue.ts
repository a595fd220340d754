/** A message of the on-failure queue: its body and the handle that deletes it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  receiptHandle: string;
}

/** The on-failure queue, as far as status (peek, depth) and redrive (take, remove, release) need it. */
export interface FailedEventQueue {
  readonly name: string;
  /** Approximate number of visible messages. */
  depth(): Promise<number>;
  /** Up to `max` messages without hiding them from others (visibility timeout 0). */
  peek(max: number): Promise<QueuedMessage[]>;
  /** Up to `max` messages, hidden from others for `hideSeconds` while they are replayed. */
  take(max: number, hideSeconds: number): Promise<QueuedMessage[]>;
  remove(message: QueuedMessage): Promise<void>;
  /** Makes a message visible again at once (its replay failed). */
  release(message: QueuedMessage): Promise<void>;
}
