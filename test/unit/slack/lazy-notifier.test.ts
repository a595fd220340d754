import { describe, expect, it } from "vitest";
import { createLazyNotifier } from "../../../shared/adapters/slack/lazy-notifier";
import type { ChatMessage } from "../../../shared/kernel/domain/chat-message";
import type { Notifier } from "../../../shared/ports/notifier";

const message: ChatMessage = { text: "fleet web closed", severity: "info", blocks: [] };

/** A notifier that records what it was asked to send. */
function recording(sent: string[]): Notifier {
  return {
    post: async (m, options) => {
      sent.push(`post ${m.text}${options?.threadTs ? ` in ${options.threadTs}` : ""}`);
      return { ok: true, ts: String(sent.length) };
    },
    update: async (ts, m) => {
      sent.push(`update ${ts} ${m.text}`);
      return { ok: true, ts };
    },
  };
}

describe("a notifier built when the first message is posted", () => {
  it("builds nothing until a message is posted, then builds once for every later message", async () => {
    const sent: string[] = [];
    let builds = 0;
    const notifier = createLazyNotifier(async () => {
      builds++;
      return recording(sent);
    });
    expect(builds).toBe(0);
    expect(await notifier.post(message)).toEqual({ ok: true, ts: "1" });
    expect(builds).toBe(1);
    await Promise.all([notifier.post(message, { threadTs: "1" }), notifier.update("1", message)]);
    expect(builds).toBe(1);
    expect(sent).toEqual([
      "post fleet web closed",
      "post fleet web closed in 1",
      "update 1 fleet web closed",
    ]);
  });

  it("answers a failed build like a Slack error, never throws, and builds again for the next message", async () => {
    const sent: string[] = [];
    let builds = 0;
    const notifier = createLazyNotifier(async () => {
      builds++;
      if (builds === 1) throw new Error("Cannot find module '@slack/web-api'");
      return recording(sent);
    });
    expect(await notifier.post(message)).toEqual({
      ok: false,
      error: "Slack client could not be built: Error: Cannot find module '@slack/web-api'",
    });
    expect(await notifier.update("1", message)).toEqual({ ok: true, ts: "1" });
    expect(builds).toBe(2);
    expect(sent).toEqual(["update 1 fleet web closed"]);
  });
});
