import type { WebClient } from "@slack/web-api";
import type { ChatMessage } from "../../kernel/domain/chat-message";
import { SEVERITY_COLOUR } from "../../kernel/domain/chat-message";
import type { Notifier, NotifyResult } from "../../ports/notifier";
import type { Logger } from "../../runtime/logger";

/**
 * Posts decisions to one channel. Errors are logged and returned, never thrown: Slack being down must
 * not block or reverse an action. The client must be built with a short timeout and retryConfig
 * (the library's default retries for 30 minutes).
 */
/**
 * After a failed call, further calls are skipped for this long: one decision can need two or three
 * calls (root, reply, headline update), and each would otherwise wait out its own timeout.
 */
const OUTAGE_BACKOFF_MS = 30_000;

export function createSlackNotifier(
  client: WebClient,
  channel: string,
  logger: Logger,
  clock: () => number = Date.now,
): Notifier {
  let skipUntil = 0;
  const attachments = (message: ChatMessage) => [
    { color: SEVERITY_COLOUR[message.severity], blocks: message.blocks },
  ];
  const failed = (action: string, error: unknown): NotifyResult => {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    skipUntil = clock() + OUTAGE_BACKOFF_MS;
    logger.warn("slack call failed; the decision stands and is logged", { action, error: text });
    return { ok: false, error: text };
  };
  /** During an outage, answer at once instead of waiting out another timeout. */
  const skipped = (action: string): NotifyResult | undefined => {
    if (clock() >= skipUntil) return undefined;
    logger.warn("slack call skipped: Slack failed moments ago; the decision stands and is logged", {
      action,
      retryAfter: new Date(skipUntil).toISOString(),
    });
    return { ok: false, error: "skipped: Slack failed moments ago" };
  };
  return {
    async post(message, options = {}) {
      const skip = skipped("chat.postMessage");
      if (skip) return skip;
      try {
        const out = await client.chat.postMessage({
          channel,
          text: message.text,
          attachments: attachments(message),
          ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
        });
        return out.ts ? { ok: true, ts: out.ts } : { ok: false, error: "Slack returned no ts" };
      } catch (error) {
        return failed("chat.postMessage", error);
      }
    },
    async update(ts, message) {
      const skip = skipped("chat.update");
      if (skip) return skip;
      try {
        const out = await client.chat.update({
          channel,
          ts,
          text: message.text,
          attachments: attachments(message),
        });
        return { ok: true, ts: out.ts ?? ts };
      } catch (error) {
        return failed("chat.update", error);
      }
    },
  };
}
