import { LogLevel, WebClient } from "@slack/web-api";

/**
 * A Slack client that gives up quickly: one retry, short timeouts, rate-limited calls rejected instead
 * of waited out. Its default retry policy keeps trying for 30 minutes, longer than any Lambda lives.
 *
 * Its own module, apart from the bootstrap: the functions load it (and @slack/web-api) when they first
 * post, not at cold start (see createLazyNotifier).
 */
export function createSlackClient(token: string, timeoutMs: number, slackApiUrl?: string): WebClient {
  return new WebClient(token, {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    timeout: timeoutMs,
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300, randomize: true },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
}
