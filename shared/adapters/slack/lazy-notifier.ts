import type { Notifier, NotifyResult } from "../../ports/notifier";

/**
 * A Notifier built on its first post or update, once per container: most runs post nothing, and the
 * Slack client (with its HTTP stack) is not worth compiling at every cold start for them. A build that
 * fails (the module cannot be loaded) is reported like a Slack error, never thrown, and tried again at
 * the next message.
 */
export function createLazyNotifier(build: () => Promise<Notifier>): Notifier {
  let built: Promise<Notifier> | undefined;
  const notifier = () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
  const unavailable = (error: unknown): NotifyResult => ({
    ok: false,
    error: `Slack client could not be built: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  });
  return {
    post: (message, options) => notifier().then((slack) => slack.post(message, options), unavailable),
    update: (ts, message) => notifier().then((slack) => slack.update(ts, message), unavailable),
  };
}
