import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import { createLogger } from "../../shared/runtime/logger";

const message = { text: "balancer moved load", severity: "info" as const, blocks: [] };

describe("the Slack notifier during an outage (real client, local sink)", () => {
  let slack: SlackSink;
  beforeAll(async () => {
    slack = await startSlackSink();
  });
  afterAll(async () => {
    await slack?.stop();
  });

  it("waits out one timeout, then skips further calls at once until the backoff passes", async () => {
    let now = Date.parse("2026-12-02T10:00:00Z");
    const lines: string[] = [];
    const notifier = createSlackNotifier(
      createSlackClient("xoxb-test", 300, slack.apiUrl),
      "#traffic",
      createLogger({ write: (line) => lines.push(line) }),
      () => now,
    );
    slack.failNext(10, "hang");
    const first = await notifier.post(message);
    expect(first.ok).toBe(false);

    const started = Date.now();
    const reply = await notifier.post(message, { threadTs: "1.1" });
    const update = await notifier.update("1.1", message);
    // No request left the process: skipped answers take no network round trip, let alone a timeout.
    expect(Date.now() - started).toBeLessThan(250);
    expect(reply).toEqual({ ok: false, error: "skipped: Slack failed moments ago" });
    expect(update.ok).toBe(false);
    expect(lines.filter((l) => l.includes("slack call skipped"))).toHaveLength(2);

    slack.failNext(0, 500);
    now += 31_000;
    const recovered = await notifier.post(message);
    expect(recovered.ok).toBe(true);
  });
});
