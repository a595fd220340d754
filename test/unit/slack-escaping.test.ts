import { describe, expect, it } from "vitest";
import { canaryDecision } from "../../shared/canary/domain/canary-decision";
import {
  renderCanaryCommandNote,
  renderCanaryHeadline,
  renderCanaryMessage,
} from "../../shared/canary/domain/canary-message";
import { planCanaryStep } from "../../shared/canary/domain/plan-canary-step";
import { splitForStep } from "../../shared/canary/domain/split";
import type { CanaryRecord, CanarySpec } from "../../shared/canary/domain/types";
import { certDecision } from "../../shared/cert-rotation/domain/cert-decision";
import { renderCertRotationMessage } from "../../shared/cert-rotation/domain/cert-rotation-message";
import { planRotation } from "../../shared/cert-rotation/domain/plan-rotation";
import { flowDecision, unknownAlarmDecision } from "../../shared/flow-control/domain/flow-control-decision";
import { renderFlowControlMessage } from "../../shared/flow-control/domain/flow-control-message";
import { CLOSED, OPEN } from "../../shared/flow-control/domain/intent";
import { type ChatMessage, chatMessage, escapeMrkdwn } from "../../shared/kernel/domain/chat-message";
import type { Decision } from "../../shared/kernel/domain/decision";
import { renderIncidentNote, renderIncidentRoot } from "../../shared/kernel/domain/incident-message";
import type { StoredOverride } from "../../shared/kernel/domain/override-types";
import type { BalancerDecision } from "../../shared/origin-balancer/domain/balancer-decision";
import { renderBalancerMessage } from "../../shared/origin-balancer/domain/balancer-message";
import { renderOverrideMessage } from "../../shared/overrides/domain/override-message";
import { cert, healthyPair, input, NOW } from "./certificates/builders";

/** Text from events, operators and certificates that Slack would otherwise read as mentions and a link. */
const HOSTILE = "x <!channel> <!here> <@U123> <https://x|y> & co";
const SHOWN = "x &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://x|y&gt; &amp; co";
const AT = "2026-11-02T12:00:00.000Z";

/** Every text Slack parses as mrkdwn: the message's `text` and the blocks' mrkdwn texts. */
function mrkdwnTexts(message: ChatMessage): string[] {
  const blocks = message.blocks.flatMap((b) => {
    if (b.type === "section")
      return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
    if (b.type === "context") return b.elements.map((e) => e.text);
    return [];
  });
  return [message.text, ...blocks];
}

/**
 * Nothing in the message is Slack markup: no `<` or `>` at all (we build no links), every `&` starts one
 * of Slack's three escapes, and the hostile text is shown escaped where `where` says it is.
 */
function expectInert(message: ChatMessage, where: { text: boolean; blocks: boolean }) {
  const texts = mrkdwnTexts(message);
  for (const text of texts) {
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
  if (where.text) expect(message.text).toContain(SHOWN);
  if (where.blocks) expect(texts.slice(1).join("\n")).toContain(SHOWN);
}

const spec: CanarySpec = {
  name: "checkout",
  steps: [{ percent: 5, bakeMinutes: 10 }],
  gateAlarms: [HOSTILE],
  minHealthyTargets: 1,
  stickinessSeconds: 600,
};

function canary() {
  const record: CanaryRecord = {
    canary: "checkout",
    runId: AT,
    startedBy: { author: HOSTILE, reason: HOSTILE, at: AT },
    status: "running",
    stepIndex: 0,
    enteredAt: AT,
  };
  const observed = {
    alarms: [{ name: HOSTILE, state: "ALARM" as const, reason: HOSTILE }],
    health: { healthy: 1, total: 1, byState: { healthy: 1 }, required: 1 },
    groups: { stable: "stable", canary: "canary" },
    notification: { alarm: HOSTILE, state: "ALARM", at: AT },
  };
  const plan = planCanaryStep({
    spec,
    record,
    split: splitForStep(spec, 5),
    alarms: observed.alarms,
    health: observed.health,
    now: new Date(AT),
  });
  const decision = canaryDecision({
    spec,
    trigger: { kind: "alarm", source: `${HOSTILE} ALARM`, at: AT },
    now: new Date(AT),
    mode: "auto",
    plan,
    observed,
    applied: { kind: "applied", call: "ModifyRule" },
  });
  return {
    ...decision,
    override: { kind: "pause", author: HOSTILE, reason: HOSTILE, expiresAt: AT },
  };
}

function flowControl() {
  const signal = {
    alarmName: HOSTILE,
    state: "ALARM" as const,
    previousState: "OK" as const,
    stateChangeTime: AT,
    reason: HOSTILE,
  };
  return flowDecision({
    fleet: { name: "web", tag: { key: "Role", value: "web" } },
    trigger: { kind: "alarm", source: `${HOSTILE} ALARM`, at: AT },
    now: new Date(AT),
    mode: "auto",
    plan: {
      action: "apply",
      rule: "engage",
      before: OPEN,
      intent: CLOSED,
      intentChanged: true,
      guards: [{ name: "override", verdict: "passed", detail: `forced by ${HOSTILE}` }],
      reason: `${HOSTILE} OK → ALARM`,
    },
    signal,
    applied: {
      kind: "sent",
      commandIds: ["c-1"],
      instances: [
        { instanceId: "i-1", status: "failed", exitCode: 2, message: HOSTILE, attempts: 1 },
        {
          instanceId: "i-2",
          status: "converged",
          mode: "closed",
          changed: true,
          message: "open -> closed",
          attempts: 1,
        },
      ],
    },
  });
}

function balancer(): BalancerDecision {
  return {
    automation: "origin-balancer",
    target: "origin.example.com. CNAME",
    trigger: { kind: "manual", source: HOSTILE, at: AT },
    at: AT,
    mode: "auto",
    rule: "override-pin",
    headline: `pinned by ${HOSTILE}`,
    observed: {
      samples: [],
      excluded: [],
      origins: [{ setIdentifier: "primary", capacity: 9_000, targetUtilisation: 0.85 } as never],
    },
    before: { weights: { primary: 255 }, shares: { primary: 1 } },
    after: { weights: { primary: 255 }, shares: { primary: 1 } },
    guards: [{ name: "override", verdict: "blocked", detail: `pin by ${HOSTILE}: ${HOSTILE}` }],
    outcome: "held",
    severity: "warn",
    error: { name: "Error", message: HOSTILE },
  };
}

function certificates() {
  const { facts, certificates } = healthyPair();
  const next = cert("next", { domainName: HOSTILE, names: [HOSTILE, "devices.example.com"] });
  const plan = planRotation(input(facts, [...certificates, next]));
  const decision = certDecision({
    pair: "iot",
    trigger: { kind: "certificate-event", source: `ACM Certificate Available ${HOSTILE}`, at: AT },
    now: NOW,
    mode: "auto",
    plan,
    applied: { kind: "not-attempted" },
    certificates: new Map([...certificates, next].map((c) => [c.arn, c])),
    observed: {
      pair: "iot",
      requiredHostnames: [HOSTILE],
      candidates: [{ ...plan.candidates[0], arn: next.arn, domainName: HOSTILE, reason: HOSTILE } as never],
      problems: [HOSTILE],
      certificate: { arn: next.arn, names: next.names, notAfter: next.notAfter ?? "" },
    },
  });
  return { ...decision, headline: `iot: ${HOSTILE}` };
}

function override(accepted: boolean) {
  const stored: StoredOverride = {
    id: "o-1",
    automation: "flow-control",
    target: "web",
    action: { kind: "force", mode: "closed", admitRate: 0 },
    author: HOSTILE,
    invoker: HOSTILE,
    reason: HOSTILE,
    createdAt: AT,
    expiresAt: AT,
  };
  const decision: Decision = {
    automation: "override",
    target: "flow-control/web",
    trigger: { kind: "manual", source: `${HOSTILE} via ${HOSTILE}`, at: AT },
    at: AT,
    mode: "auto",
    rule: "force",
    headline: `${HOSTILE} forced flow-control/web closed: ${HOSTILE}`,
    observed: {},
    before: {},
    after: {},
    guards: [],
    outcome: accepted ? "applied" : "held",
    severity: "warn",
    change: { requestId: "r-1", invoker: HOSTILE },
  };
  return renderOverrideMessage(decision, {
    accepted,
    ...(accepted ? { override: stored } : { refusal: HOSTILE }),
  });
}

describe("Slack text from events, operators and certificates never renders as a mention or a link", () => {
  it("escapes exactly Slack's three control characters, ampersand first", () => {
    expect(escapeMrkdwn(HOSTILE)).toBe(SHOWN);
    expect(escapeMrkdwn("*bold* `code` _it_ ~s~ → ✅")).toBe("*bold* `code` _it_ ~s~ → ✅");
  });

  it.each<[string, () => ChatMessage, { text: boolean; blocks: boolean }]>([
    [
      "flow control: alarm name, reason, guard, flowctl message",
      () => renderFlowControlMessage(flowControl()),
      { text: false, blocks: true },
    ],
    [
      "flow control: an unknown alarm (always posted)",
      () =>
        renderFlowControlMessage(
          unknownAlarmDecision({
            signal: { alarmName: HOSTILE, state: "ALARM", stateChangeTime: AT, reason: HOSTILE },
            trigger: { kind: "alarm", source: HOSTILE, at: AT },
            now: new Date(AT),
            mode: "auto",
            knownAlarms: ["web-overload"],
          }),
        ),
      { text: true, blocks: true },
    ],
    [
      "origin balancer: override guard, error, headline",
      () => renderBalancerMessage(balancer()),
      { text: true, blocks: true },
    ],
    [
      "canary: gate alarms, notification, override author and reason",
      () => renderCanaryMessage(canary()),
      { text: false, blocks: true },
    ],
    [
      "canary: the run's root line",
      () => renderCanaryHeadline(`checkout started by ${HOSTILE}`, canary()),
      { text: true, blocks: true },
    ],
    [
      "canary: an operator's direct command",
      () => renderCanaryCommandNote({ kind: "pause", author: HOSTILE, reason: HOSTILE }, "checkout"),
      { text: true, blocks: false },
    ],
    [
      "certificate rotation: domains, reasons, problems",
      () => renderCertRotationMessage(certificates()),
      { text: true, blocks: true },
    ],
    ["override accepted: author, invoked by, reason", () => override(true), { text: true, blocks: true }],
    ["override refused: the refusal", () => override(false), { text: true, blocks: true }],
    [
      "incident root: title and headline",
      () =>
        renderIncidentRoot(`Flow control · ${HOSTILE}`, {
          headline: HOSTILE,
          severity: "warn",
          openedAt: AT,
          closedAt: AT,
        }),
      { text: true, blocks: true },
    ],
    ["incident note", () => renderIncidentNote(`iot: ${HOSTILE}`, "warn"), { text: true, blocks: true }],
    [
      "an invocation's error alert",
      () => chatMessage(`:rotating_light: flow-control failed — Error: ${HOSTILE}`, "critical", []),
      { text: true, blocks: false },
    ],
  ])("%s", (_name, render, where) => {
    expectInert(render(), where);
  });

  it("keeps our own formatting: bold headline, code spans, arrows", () => {
    const message = renderFlowControlMessage(flowControl());
    const texts = mrkdwnTexts(message);
    expect(texts).toContain(`*Alarm*\n\`${SHOWN}\` OK → *ALARM* at ${AT}\n${SHOWN}`);
    expect(texts.join("\n")).toContain("`i-2` changed: open -&gt; closed");
  });

  it("cuts a long escaped text at Slack's limit without splitting an escape", () => {
    const message = renderIncidentNote(`${"a".repeat(2_995)}<<<<`, "info");
    const block = message.blocks[0];
    const text = block?.type === "section" ? (block.text?.text ?? "") : "";
    expect(text.length).toBeLessThanOrEqual(3_000);
    expect(text).toMatch(/(&lt;|a)$/);
  });
});
