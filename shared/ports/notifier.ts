import type { ChatMessage } from "../domain/messages/chat-message";

export type NotifyResult = { ok: true; ts: string } | { ok: false; error: string };

/** Slack, as far as the automations need it. Never throws: a chat outage must not block an action. */
export interface Notifier {
  post(message: ChatMessage, options?: { threadTs?: string }): Promise<NotifyResult>;
  update(ts: string, message: ChatMessage): Promise<NotifyResult>;
}
