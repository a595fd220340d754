import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../shared/kernel/domain/chat-message";
import type { IncidentRoute, IncidentThread } from "../../../shared/kernel/domain/incident";
import {
  closeIncidentIfOpen,
  type IncidentDeps,
  postInIncident,
} from "../../../shared/kernel/incident-thread";
import { createLogger } from "../../../shared/runtime/logger";
import { MemoryStateStore } from "../../support/memory-state-store";
import { recordingNotifier } from "./fakes";

const KEY = "flow-control/threads/web";
const START = new Date("2026-11-02T20:04:00Z");

function world() {
  const state = new MemoryStateStore();
  const slack = recordingNotifier();
  const lines: string[] = [];
  const clock = { now: START };
  const deps: IncidentDeps = {
    state,
    notifier: slack.port,
    logger: createLogger({ write: (line) => lines.push(line) }),
    now: () => clock.now,
  };
  const later = (minutes: number) => {
    clock.now = new Date(clock.now.getTime() + minutes * 60_000);
  };
  const thread = () => state.values.get(KEY)?.value as IncidentThread | undefined;
  return { state, slack, lines, deps, later, thread };
}

const route = (headline: string, extra: Partial<IncidentRoute> = {}): IncidentRoute => ({
  key: "flow-control/web",
  title: "Flow control · fleet web (Role=web)",
  headline,
  severity: "warn",
  opens: true,
  closes: false,
  ...extra,
});
const decision = (text: string): ChatMessage => ({ text, severity: "warn", blocks: [] });

describe("postInIncident", () => {
  it("opens an incident with a root message, then posts the decision as the root's first reply", async () => {
    const w = world();
    const result = await postInIncident(w.deps, route("flow control ENGAGED"), decision("engaged 6/6"));

    const [root, reply, ...rest] = w.slack.calls;
    expect(rest).toEqual([]);
    expect(root?.method).toBe("chat.postMessage");
    expect(root?.threadTs).toBeUndefined();
    expect(root?.message.text).toBe("Flow control · fleet web (Role=web): flow control ENGAGED");
    expect(reply).toMatchObject({ method: "chat.postMessage", threadTs: root?.ts });
    expect(reply?.message.text).toBe("engaged 6/6");
    expect(result).toEqual({ ok: true, ts: reply?.ts });
    expect(w.thread()).toEqual({
      ts: root?.ts,
      openedAt: START.toISOString(),
      headline: "flow control ENGAGED",
      severity: "warn",
    });
  });

  it("replies to later decisions in the same thread and refreshes the root in place", async () => {
    const w = world();
    await postInIncident(w.deps, route("flow control ENGAGED"), decision("engaged"));
    const rootTs = w.thread()?.ts;
    w.later(16);
    await postInIncident(
      w.deps,
      route("PARTIAL — 4/6 admitting", { severity: "critical" }),
      decision("admit 20, 2 failed"),
    );

    expect(w.slack.roots()).toHaveLength(1);
    expect(w.slack.replies().map((r) => [r.threadTs, r.message.text])).toEqual([
      [rootTs, "engaged"],
      [rootTs, "admit 20, 2 failed"],
    ]);
    const [update] = w.slack.updates();
    expect(update?.ts).toBe(rootTs);
    expect(update?.message).toMatchObject({
      text: "Flow control · fleet web (Role=web): PARTIAL — 4/6 admitting",
      severity: "critical",
    });
    expect(JSON.stringify(update?.message.blocks)).toContain(`opened ${START.toISOString()} · ongoing`);
    expect(w.thread()).toMatchObject({
      ts: rootTs,
      headline: "PARTIAL — 4/6 admitting",
      severity: "critical",
    });
  });

  it("closes the incident at the final state, so the next incident opens a new thread", async () => {
    const w = world();
    await postInIncident(w.deps, route("flow control ENGAGED"), decision("engaged"));
    const first = w.thread()?.ts;
    w.later(11);
    await postInIncident(
      w.deps,
      route("flow control released", { severity: "info", closes: true }),
      decision("released"),
    );

    const closing = w.slack.updates().at(-1);
    expect(closing?.ts).toBe(first);
    expect(closing?.message.text).toBe(
      "Resolved — Flow control · fleet web (Role=web): flow control released",
    );
    expect(JSON.stringify(closing?.message.blocks)).toContain("after 11 min");
    expect(w.thread()).toMatchObject({ ts: first, closedAt: "2026-11-02T20:15:00.000Z", severity: "info" });

    w.later(60);
    await postInIncident(w.deps, route("flow control ENGAGED again"), decision("engaged again"));
    const roots = w.slack.roots();
    expect(roots).toHaveLength(2);
    expect(roots[1]?.ts).not.toBe(first);
    expect(w.slack.replies().at(-1)?.threadTs).toBe(roots[1]?.ts);
    expect(w.thread()).toEqual({
      ts: roots[1]?.ts,
      openedAt: "2026-11-02T21:15:00.000Z",
      headline: "flow control ENGAGED again",
      severity: "warn",
    });
  });

  it("opens and closes at once when the first decision of an incident also ends it", async () => {
    const w = world();
    await postInIncident(w.deps, route("rotated", { severity: "info", closes: true }), decision("rotated"));
    const [root] = w.slack.roots();
    expect(root?.message.text).toMatch(/^Resolved — /);
    expect(w.slack.updates()).toEqual([]);
    expect(w.thread()?.closedAt).toBe(START.toISOString());
  });

  it("posts a decision that may not open an incident alone when none is open, storing nothing", async () => {
    const w = world();
    await postInIncident(w.deps, route("released", { opens: false, closes: true }), decision("released"));
    expect(w.slack.calls.map((c) => [c.method, c.threadTs, c.message.text])).toEqual([
      ["chat.postMessage", undefined, "released"],
    ]);
    expect(w.state.values.size).toBe(0);
  });

  it("posts a decision without an incident alone", async () => {
    const w = world();
    await postInIncident(w.deps, undefined, decision("unknown alarm db-cpu"));
    expect(w.slack.calls).toHaveLength(1);
    expect(w.slack.calls[0]?.threadTs).toBeUndefined();
    expect(w.state.values.size).toBe(0);
  });

  it("marks a thread that was never closed as superseded when a new incident restarts under its key", async () => {
    const w = world();
    await postInIncident(w.deps, route("PARTIAL release"), decision("release, 1 failed"));
    const stale = w.thread()?.ts;
    w.later(600);
    await postInIncident(w.deps, route("ENGAGED", { restarts: true }), decision("engaged"));

    const [superseded] = w.slack.updates();
    expect(superseded?.ts).toBe(stale);
    expect(superseded?.message.text).toMatch(/^Resolved — .*PARTIAL release — superseded by a new incident/);
    expect(w.slack.roots()).toHaveLength(2);
    expect(w.thread()?.ts).toBe(w.slack.roots()[1]?.ts);
  });

  it("never throws while Slack is down: nothing is stored, and the next decision opens the thread", async () => {
    const w = world();
    w.slack.setDown(true);
    const result = await postInIncident(w.deps, route("ENGAGED"), decision("engaged"));
    expect(result.ok).toBe(false);
    expect(w.state.values.size).toBe(0);
    expect(w.lines.join("\n")).toContain("incident thread not opened (Slack failed)");

    w.slack.setDown(false);
    await postInIncident(w.deps, route("admitting 20"), decision("admit 20"));
    const [root, reply] = w.slack.calls;
    expect(root?.message.text).toMatch(/admitting 20$/);
    expect(reply?.threadTs).toBe(root?.ts);
    expect(w.thread()?.ts).toBe(root?.ts);
  });

  it("makes no further Slack call for a decision once one failed, so an outage costs one timeout", async () => {
    const w = world();
    w.slack.failNext(1);
    await postInIncident(w.deps, route("ENGAGED"), decision("engaged"));
    expect(w.slack.attempts).toEqual(["chat.postMessage"]); // the root failed: no reply alone

    await postInIncident(w.deps, route("ENGAGED"), decision("engaged"));
    w.slack.failNext(1);
    w.slack.attempts.length = 0;
    await postInIncident(w.deps, route("admitting 20"), decision("admit 20"));
    expect(w.slack.attempts).toEqual(["chat.postMessage"]); // the reply failed: the root is not refreshed
    expect(w.thread()?.headline).toBe("admitting 20");

    w.slack.attempts.length = 0;
    await postInIncident(w.deps, route("closed again"), decision("close"));
    expect(w.slack.attempts).toEqual(["chat.postMessage", "chat.update"]);
    expect(w.slack.updates().at(-1)?.message.text).toMatch(/closed again$/);
  });

  it("still closes the incident when Slack is down for the closing decision", async () => {
    const w = world();
    await postInIncident(w.deps, route("ENGAGED"), decision("engaged"));
    w.slack.setDown(true);
    await postInIncident(w.deps, route("released", { closes: true }), decision("released"));
    expect(w.thread()?.closedAt).toBe(START.toISOString());
  });

  it("never throws when the thread cannot be stored, says so, and the next decision opens a new thread", async () => {
    const w = world();
    w.state.failSaves = true;
    await postInIncident(w.deps, route("ENGAGED"), decision("engaged"));
    expect(w.lines.join("\n")).toContain("incident thread not stored: the next decision opens a new thread");
    w.state.failSaves = false;
    await postInIncident(w.deps, route("admitting 20"), decision("admit 20"));
    expect(w.slack.roots()).toHaveLength(2);
    expect(w.thread()?.ts).toBe(w.slack.roots()[1]?.ts);
  });

  it("opens a new thread when the stored one cannot be read, and says so", async () => {
    const w = world();
    await postInIncident(w.deps, route("ENGAGED"), decision("engaged"));
    w.state.failLoads = true;
    await postInIncident(w.deps, route("admitting 20"), decision("admit 20"));
    expect(w.slack.roots()).toHaveLength(2);
    expect(w.lines.join("\n")).toContain("incident thread unreadable: this decision opens a new thread");
  });
});

describe("closeIncidentIfOpen", () => {
  it("closes an open thread with a note, and does nothing when there is none", async () => {
    const w = world();
    const dropped = route("dropped", { opens: false, closes: true });
    await closeIncidentIfOpen(w.deps, dropped, decision("dropped: certificate revoked"));
    expect(w.slack.calls).toEqual([]);

    await postInIncident(w.deps, route("planned"), decision("planned"));
    await closeIncidentIfOpen(w.deps, dropped, decision("dropped: certificate revoked"));
    expect(w.slack.replies().at(-1)?.message.text).toBe("dropped: certificate revoked");
    expect(w.slack.updates().at(-1)?.message.text).toMatch(/^Resolved — .*: dropped$/);
    expect(w.thread()?.closedAt).toBeDefined();
  });
});
