import { describe, expect, it } from "vitest";
import {
  canaryDecision,
  failedCanaryDecision,
  runStatusLine,
} from "../../../shared/canary/domain/canary-decision";
import { renderCanaryHeadline, renderCanaryMessage } from "../../../shared/canary/domain/canary-message";
import { planCanaryStep } from "../../../shared/canary/domain/plan-canary-step";
import { splitForStep } from "../../../shared/canary/domain/split";
import type { CanaryRecord, CanarySpec } from "../../../shared/canary/domain/types";

const NOW = new Date("2026-11-02T20:30:00Z");
const spec: CanarySpec = {
  name: "checkout",
  steps: [
    { percent: 5, bakeMinutes: 10 },
    { percent: 100, bakeMinutes: 10 },
  ],
  gateAlarms: ["checkout-canary-5xx"],
  minHealthyTargets: 2,
  stickinessSeconds: 86_400,
};
const record: CanaryRecord = {
  canary: "checkout",
  runId: "2026-11-02T20:00:00.000Z",
  startedBy: { author: "alice", reason: "release 2026.11.2", at: "2026-11-02T20:00:00.000Z" },
  status: "running",
  stepIndex: 0,
  enteredAt: "2026-11-02T20:25:00.000Z",
};
const observed = {
  alarms: [{ name: "checkout-canary-5xx", state: "ALARM" as const, reason: "Threshold Crossed" }],
  health: { healthy: 3, total: 3, byState: { healthy: 3 }, required: 2 },
  groups: { stable: "checkout-stable", canary: "checkout-canary" },
  notification: { alarm: "checkout-canary-5xx", state: "ALARM", at: "2026-11-02T20:29:41.000Z" },
};

function rollbackDecision() {
  const plan = planCanaryStep({
    spec,
    record,
    split: splitForStep(spec, 5),
    alarms: observed.alarms,
    health: observed.health,
    now: NOW,
  });
  return canaryDecision({
    spec,
    trigger: { kind: "alarm", source: "checkout-canary-5xx ALARM", at: "2026-11-02T20:29:41.000Z" },
    now: NOW,
    mode: "auto",
    plan,
    observed,
    applied: { kind: "applied", call: "ModifyRule" },
  });
}

describe("canary Slack messages", () => {
  it("says what a rollback changed and why, with the gates it read and the notification that woke it", () => {
    const decision = rollbackDecision();
    const message = renderCanaryMessage(decision);
    expect(message.text).toBe(
      "checkout canary: ROLLED BACK 5% → 0%, stickiness off — checkout-canary-5xx in ALARM",
    );
    expect(message.severity).toBe("critical");
    const text = JSON.stringify(message.blocks);
    expect(text).toContain("5% canary — weights 950/50, sticky 86400 s (step 1 of 2 (5%))");
    expect(text).toContain("0% canary — weights 999/0, stickiness off (baseline (0%))");
    expect(text).toContain("🚨 `checkout-canary-5xx` ALARM");
    expect(text).toContain("3 of 3 healthy, need 2");
    expect(text).toContain("gates re-read, not taken from it");
    expect(message.blocks.at(-1)).toEqual({
      type: "context",
      elements: [
        { type: "mrkdwn", text: "canary · alarm checkout-canary-5xx ALARM · 2026-11-02T20:30:00.000Z" },
      ],
    });
  });

  it("keeps every field inside Slack's limits", () => {
    for (const block of renderCanaryMessage(rollbackDecision()).blocks) {
      if (block.type === "section" && block.fields) {
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(2000);
      }
    }
  });

  it("renders the thread headline as the run's one-line status", () => {
    const decision = rollbackDecision();
    const finished: CanaryRecord = {
      ...record,
      status: "rolled-back",
      ended: { at: NOW.toISOString(), how: "rolled back from 5% (checkout-canary-5xx in ALARM)" },
    };
    const headline = renderCanaryHeadline(runStatusLine(spec, finished, splitForStep(spec, 0)), decision);
    expect(headline.text).toBe(
      "checkout canary — rolled back from 5% (checkout-canary-5xx in ALARM) · started by alice: release 2026.11.2",
    );
    expect(runStatusLine(spec, record, splitForStep(spec, 5))).toBe(
      "checkout canary — running at step 1 of 2 (5%), 5% on the canary · started by alice: release 2026.11.2",
    );
  });

  it("renders an evaluation that failed before reading the rule without inventing weights", () => {
    const decision = failedCanaryDecision({
      spec,
      trigger: { kind: "schedule", source: "rate(1 minute)", at: NOW.toISOString() },
      now: NOW,
      mode: "auto",
      groups: observed.groups,
      error: { name: "AwsCallError", message: "listener rule arn:... not found (RuleNotFoundException)" },
    });
    const message = renderCanaryMessage(decision);
    expect(message.text).toBe(
      "checkout canary: could not evaluate — listener rule arn:... not found (RuleNotFoundException)",
    );
    expect(JSON.stringify(message.blocks)).toContain("not read\\n→ not read");
    expect(JSON.stringify(message.blocks)).toContain("AwsCallError: listener rule");
  });
});
