import type { LogLevel, WebClient, WebClientOptions } from "@slack/web-api";

/**
 * How every Slack client is built: one retry, short timeouts, rate-limited calls rejected instead of
 * waited out (the client's default retry policy keeps trying for 30 minutes, longer than any Lambda lives).
 */
export function slackClientOptions(timeoutMs: number, slackApiUrl?: string): WebClientOptions {
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    timeout: timeoutMs,
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300, randomize: true },
    rejectRateLimitedCalls: true,
    logLevel: "error" as LogLevel,
  };
}

/**
 * The client, with @slack/web-api loaded only now (the functions call this on their first post, so the
 * package is not compiled at cold start). It imports the package, not one of our modules, so it loads
 * the same way in a Lambda bundle, under tsx (the CLI, the sandbox) and under the test runner.
 */
export async function loadSlackClient(
  token: string,
  timeoutMs: number,
  slackApiUrl?: string,
): Promise<WebClient> {
  const { WebClient } = await import("@slack/web-api");
  return new WebClient(token, slackClientOptions(timeoutMs, slackApiUrl));
}
