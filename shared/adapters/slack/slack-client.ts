import { WebClient } from "@slack/web-api";
import { slackClientOptions } from "./slack-client-options";

/**
 * A Slack client built at once, for callers that need it synchronously (the doctor, tests). The
 * functions build theirs on their first post instead (loadSlackClient, createLazyNotifier).
 */
export function createSlackClient(token: string, timeoutMs: number, slackApiUrl?: string): WebClient {
  return new WebClient(token, slackClientOptions(timeoutMs, slackApiUrl));
}
