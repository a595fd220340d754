import { renderAlarmText } from "./message";

/** What the watchdog needs from outside: its token, one Slack call, a log line. */
export interface WatchdogDeps {
  readToken(): Promise<string>;
  /** Posts `text` with `token`; resolves to Slack's error (or the transport's), undefined when posted. */
  postMessage(token: string, text: string): Promise<string | undefined>;
  log(level: "info" | "warn", message: string, fields: Record<string, unknown>): void;
}

export interface WatchdogResult {
  posted: number;
  /** Notifications only logged: Slack or the token was unavailable. */
  logged: number;
}

/**
 * Posts each SNS notification (the stack's alarms) to Slack. Never throws for Slack or its token: when
 * either is down it logs the notification in full and returns, because a retry would not reach Slack
 * any sooner and the alarm itself stays visible in CloudWatch. The token is cached only once read, so
 * the next notification tries again.
 */
export function createWatchdog(deps: WatchdogDeps) {
  let token: string | undefined;
  return async (event: unknown): Promise<WatchdogResult> => {
    const messages = snsMessages(event);
    const result: WatchdogResult = { posted: 0, logged: 0 };
    for (const message of messages) {
      const text = renderAlarmText(message);
      if (token === undefined) {
        try {
          token = await deps.readToken();
        } catch (error) {
          deps.log("warn", "watchdog: Slack token unreadable, notification logged only", {
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            notification: message,
          });
          result.logged += 1;
          continue;
        }
      }
      const failure = await deps.postMessage(token, text).catch((error: unknown) => String(error));
      if (failure === undefined) {
        deps.log("info", "watchdog: notification posted", { notification: message });
        result.posted += 1;
      } else {
        deps.log("warn", "watchdog: Slack unavailable, notification logged only", {
          error: failure,
          notification: message,
        });
        result.logged += 1;
      }
    }
    return result;
  };
}

/** The SNS messages of an SNS event; anything else is logged by the caller as one raw message. */
export function snsMessages(event: unknown): string[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return [JSON.stringify(event) ?? "undefined"];
  return records.map((record) => {
    const message = (record as { Sns?: { Message?: unknown } } | null)?.Sns?.Message;
    return typeof message === "string" ? message : JSON.stringify(record);
  });
}
