import { describe, expect, it } from "vitest";
import { type FleetApply, flowDecision } from "../../../shared/flow-control/domain/flow-control-decision";
import { renderFlowControlMessage } from "../../../shared/flow-control/domain/flow-control-message";
import { CLOSED, OPEN } from "../../../shared/flow-control/domain/intent";
import type { InstanceResult } from "../../../shared/flow-control/domain/invocation-result";

const NOW = new Date("2026-11-02T20:30:00Z");
const render = (instances: InstanceResult[], applied?: FleetApply) =>
  renderFlowControlMessage(
    flowDecision({
      fleet: { name: "web", tag: { key: "Role", value: "haproxy-web" } },
      trigger: { kind: "alarm", source: "web-overload ALARM", at: "2026-11-02T20:29:58.000Z" },
      now: NOW,
      mode: "auto",
      plan: {
        action: "apply",
        rule: "engage",
        before: OPEN,
        intent: CLOSED,
        intentChanged: true,
        guards: [],
        reason: "web-overload OK → ALARM",
      },
      signal: {
        alarmName: "web-overload",
        state: "ALARM",
        previousState: "OK",
        stateChangeTime: "2026-11-02T20:29:58.000Z",
        reason: "Threshold Crossed",
      },
      applied: applied ?? { kind: "sent", instances, commandIds: ["c-1", "c-2"] },
    }),
  );
const fieldTexts = (message: ReturnType<typeof render>) =>
  message.blocks.flatMap((b) => (b.type === "section" ? (b.fields ?? []).map((f) => f.text) : []));

describe("renderFlowControlMessage", () => {
  it("shows every instance in its group, flowctl's message and exit code included", () => {
    const message = render([
      {
        instanceId: "i-0aaaaaaaaaaaaaaa1",
        status: "converged",
        mode: "closed",
        changed: true,
        message: "open -> closed",
        attempts: 1,
      },
      {
        instanceId: "i-0aaaaaaaaaaaaaaa2",
        status: "failed",
        exitCode: 9,
        message: "HAProxy not reachable",
        attempts: 2,
      },
      {
        instanceId: "i-0aaaaaaaaaaaaaaa3",
        status: "undeliverable",
        message: "not delivered: agent offline?",
        attempts: 1,
      },
    ]);
    expect(message.severity).toBe("critical");
    expect(message.text).toContain("PARTIAL — 1/3 instances closed");
    const texts = fieldTexts(message);
    expect(texts).toContain("*Failed (1)*\n`i-0aaaaaaaaaaaaaaa2` exit 9 (2 attempts): HAProxy not reachable");
    expect(texts).toContain(
      "*Undeliverable (agent offline / not managed) (1)*\n`i-0aaaaaaaaaaaaaaa3`: not delivered: agent offline?",
    );
    // flowctl's "->" reaches Slack escaped (it shows as "->").
    expect(texts).toContain("*Converged (1)*\n`i-0aaaaaaaaaaaaaaa1` changed: open -&gt; closed");
    expect(texts).toContain("*Mode (before → after)*\nopen → closed");
    expect(texts).toContain("*SSM commands*\nc-1\nc-2");
    expect(texts.find((t) => t.startsWith("*Alarm*"))).toContain("`web-overload` OK → *ALARM*");
  });

  it("caps a large fleet's list and says how many were left out, within Slack's field limit", () => {
    const instances = Array.from({ length: 300 }, (_, i) => ({
      instanceId: `i-${String(i).padStart(17, "0")}`,
      status: "converged" as const,
      mode: "closed" as const,
      changed: true,
      message: "open -> closed, served 4ms after set map",
      attempts: 1,
    }));
    const texts = fieldTexts(render(instances));
    const converged = texts.find((t) => t.startsWith("*Converged (300)*")) ?? "";
    expect(converged).toContain("…and 285 more");
    expect(texts.every((t) => t.length <= 2_000)).toBe(true);
  });
});
