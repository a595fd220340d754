import type { SlackCall } from "../../sandbox/servers/slack-sink";

/** What a Slack channel shows, read from the sink's recorded Web API calls (from index `from` on). */
export function slackThreads(calls: readonly SlackCall[], from = 0) {
  const seen = calls.slice(from);
  const posts = seen.filter((c) => c.method === "chat.postMessage");
  return {
    /** Messages in the channel itself: incident roots and messages posted alone. */
    roots: posts.filter((c) => c.body.thread_ts === undefined),
    /** Replies, with the root ts they went under. */
    replies: posts.filter((c) => c.body.thread_ts !== undefined),
    /** In-place edits of a root (chat.update), with the ts they target. */
    updates: seen.filter((c) => c.method === "chat.update"),
  };
}

/** A recorded message's plain text (its headline). */
export function text(call: SlackCall | undefined): string {
  return String(call?.body.text ?? "");
}
