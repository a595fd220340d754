import type { Notifier, NotifyResult } from "../../ports/notifier";
import type { Logger } from "../../runtime/logger";

/**
 * A Notifier whose Slack token is read when first needed instead of at cold start, so a deleted or
 * unreadable token parameter degrades the function to log-only messages instead of stopping it: an
 * automation must keep acting when its side channel fails.
 *
 * `refresh()` reads the token again when it is not held yet (the handler calls it once per invocation,
 * so a restored parameter is picked up by the next run); while it cannot be read, every message is
 * logged in full and reported as not posted, and `unavailable()` says why, for the Decision.
 */
export function createTokenNotifier(options: {
  tokenParameter: string;
  readToken: () => Promise<string>;
  connect: (token: string) => Notifier;
  logger: Logger;
}): Notifier {
  let connected: Notifier | undefined;
  let reason: string | undefined;
  let tried = false;
  const refresh = async (): Promise<string | undefined> => {
    if (connected) return undefined;
    tried = true;
    try {
      connected = options.connect(await options.readToken());
      reason = undefined;
    } catch (error) {
      const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      reason = `token parameter ${options.tokenParameter} unreadable (${cause})`;
      options.logger.warn("Slack unavailable: running with log-only messages", { reason });
    }
    return reason;
  };
  const logOnly = (action: string, text: string): NotifyResult => {
    // The whole message goes to the log: it is the only place it is kept.
    options.logger.warn("Slack unavailable: message logged instead of posted", { action, reason, text });
    return { ok: false, error: `Slack unavailable: ${reason}` };
  };
  const ready = async () => {
    if (!connected && !tried) await refresh();
    return connected;
  };
  return {
    async post(message, postOptions) {
      const slack = await ready();
      return slack ? slack.post(message, postOptions) : logOnly("chat.postMessage", message.text);
    },
    async update(ts, message) {
      const slack = await ready();
      return slack ? slack.update(ts, message) : logOnly("chat.update", message.text);
    },
    refresh,
    unavailable: () => (reason === undefined ? undefined : `Slack unavailable: ${reason}`),
  };
}
