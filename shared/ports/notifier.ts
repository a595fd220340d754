import type { ChatMessage } from "../kernel/domain/chat-message";

export type NotifyResult = { ok: true; ts: string } | { ok: false; error: string };

/** Slack, as far as the automations need it. Never throws: a chat outage must not block an action. */
export interface Notifier {
  post(message: ChatMessage, options?: { threadTs?: string }): Promise<NotifyResult>;
  update(ts: string, message: ChatMessage): Promise<NotifyResult>;
  /**
   * Tries again to reach Slack when it could not be set up (its token unreadable); returns why it is
   * still unavailable. Called once per invocation; absent when the notifier cannot be degraded.
   */
  refresh?(): Promise<string | undefined>;
  /** "Slack unavailable: <why>" while the notifier only logs messages, for the Decision to say so. */
  unavailable?(): string | undefined;
}
