import { describe, expect, it } from "vitest";
import { applyCanaryCommand, type CanaryCommand } from "../../../shared/canary/domain/commands";
import { BASELINE_STEP, type CanaryRecord } from "../../../shared/canary/domain/types";

const NOW = new Date("2026-11-02T20:30:00Z");
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
const spec = {
  name: "checkout",
  steps: [
    { percent: 1, bakeMinutes: 10 },
    { percent: 100, bakeMinutes: 30 },
  ],
};
const who = { canary: "checkout", author: "alice", reason: "release 2026.11.2" };
const running: CanaryRecord = {
  canary: "checkout",
  runId: "2026-11-02T20:00:00.000Z",
  startedBy: { author: "alice", reason: "release 2026.11.2", at: "2026-11-02T20:00:00.000Z" },
  status: "running",
  stepIndex: 0,
  enteredAt: "2026-11-02T20:01:00.000Z",
  threadTs: "1700000001.000001",
};
const paused: CanaryRecord = {
  ...running,
  status: "paused",
  pause: { author: "bob", reason: "freeze", at: "2026-11-02T20:10:00.000Z", expiresAt: later(60) },
};
const finished: CanaryRecord = {
  ...running,
  status: "completed",
  ended: { at: later(-5), how: "completed" },
};

describe("applyCanaryCommand", () => {
  it.each<[string, CanaryRecord | undefined, CanaryCommand, RegExp | Partial<CanaryRecord>]>([
    [
      "starts a run at the baseline",
      undefined,
      { kind: "start", ...who },
      { status: "running", stepIndex: BASELINE_STEP, enteredAt: NOW.toISOString() },
    ],
    [
      "starts a new run after the last one completed, in a new thread",
      finished,
      { kind: "start", ...who },
      { status: "running" },
    ],
    [
      "refuses to start a run while one is in progress",
      running,
      { kind: "start", ...who },
      /already running at step 1 of 2/,
    ],
    [
      "records an abort for the next evaluation to carry out",
      running,
      { kind: "abort", ...who },
      { pending: { kind: "abort", author: "alice", reason: "release 2026.11.2", at: NOW.toISOString() } },
    ],
    ["accepts an abort of a paused run", paused, { kind: "abort", ...who }, { status: "paused" }],
    ["refuses to abort when no run is in progress", undefined, { kind: "abort", ...who }, /it has no run/],
    ["refuses to abort a finished run", finished, { kind: "abort", ...who }, /its last run completed/],
    [
      "records a promote with its expiry",
      running,
      { kind: "promote", ...who, expiresAt: later(30) },
      {
        pending: {
          kind: "promote",
          author: "alice",
          reason: "release 2026.11.2",
          at: NOW.toISOString(),
          expiresAt: later(30),
        },
      },
    ],
    [
      "refuses a promote whose expiry has passed",
      running,
      { kind: "promote", ...who, expiresAt: later(-1) },
      /not in the future/,
    ],
    [
      "refuses to promote a paused run",
      paused,
      { kind: "promote", ...who, expiresAt: later(30) },
      /resume it before promoting/,
    ],
    [
      "refuses to promote a run being aborted",
      { ...running, pending: { kind: "abort", author: "carol", reason: "errors", at: NOW.toISOString() } },
      { kind: "promote", ...who, expiresAt: later(30) },
      /being aborted by carol/,
    ],
    [
      "pauses a running run until its expiry",
      running,
      { kind: "pause", ...who, expiresAt: later(60) },
      {
        status: "paused",
        pause: { author: "alice", reason: "release 2026.11.2", at: NOW.toISOString(), expiresAt: later(60) },
      },
    ],
    [
      "refuses a pause without a future expiry",
      running,
      { kind: "pause", ...who, expiresAt: "soon" },
      /is not a date/,
    ],
    [
      "resumes a paused run, keeping its bake clock",
      paused,
      { kind: "resume", ...who },
      { status: "running", enteredAt: running.enteredAt },
    ],
    ["refuses to resume a run that is not paused", running, { kind: "resume", ...who }, /is not paused/],
    [
      "refuses a command without a reason",
      running,
      { kind: "abort", ...who, reason: " " },
      /needs an author and a reason/,
    ],
    [
      "refuses a command meant for another canary",
      running,
      { kind: "abort", ...who, canary: "search" },
      /names canary "search"/,
    ],
  ])("%s", (_name, record, command, expected) => {
    const result = applyCanaryCommand(record, command, NOW, spec);
    if (expected instanceof RegExp) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.refusal).toMatch(expected);
      return;
    }
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.record).toMatchObject(expected);
  });

  it("treats a duplicate abort as the same abort, not a refusal", () => {
    const first = applyCanaryCommand(running, { kind: "abort", ...who }, NOW, spec);
    if (!first.ok) throw new Error(first.refusal);
    const second = applyCanaryCommand(first.record, { kind: "abort", ...who, author: "bob" }, NOW, spec);
    expect(second).toEqual({ ok: true, record: first.record });
  });

  it("gives a started run no Slack thread of the previous run", () => {
    const result = applyCanaryCommand(finished, { kind: "start", ...who }, NOW, spec);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.record.threadTs).toBeUndefined();
  });
});
