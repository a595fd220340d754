import { describe, expect, it } from "vitest";
import { unknownAlarmDecision } from "../../shared/flow-control/domain/flow-control-decision";
import { boundedForLog, DECISION_LOG_BUDGET_BYTES } from "../../shared/kernel/domain/decision-log";
import { recordDecision } from "../../shared/kernel/record-decision";
import { createLogger } from "../../shared/runtime/logger";

const AT = "2026-11-02T20:30:00.000Z";
/** CloudWatch Logs takes at most 256 KB per event. */
const LOG_EVENT_MAX_BYTES = 256 * 1_024;

function decisionWithReason(reason: string) {
  return unknownAlarmDecision({
    signal: { alarmName: "db-cpu", state: "ALARM", stateChangeTime: AT, reason },
    trigger: { kind: "alarm", source: "db-cpu ALARM", at: AT },
    now: new Date(AT),
    mode: "auto",
    knownAlarms: ["web-overload"],
  });
}

async function logLine(decision: ReturnType<typeof decisionWithReason>): Promise<string> {
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) });
  const notifier = {
    post: async () => ({ ok: true as const, ts: "1" }),
    update: async () => ({ ok: true as const, ts: "1" }),
  };
  await recordDecision(
    decision,
    { logger, notifier },
    { post: false, message: { text: "", severity: "info", blocks: [] } },
  );
  const line = lines.find((l) => JSON.parse(l).message === "decision");
  if (line === undefined) throw new Error("no decision line logged");
  return line;
}

describe("the decision log line", () => {
  it("fits one CloudWatch Logs event with a 250 kB alarm reason, cut with a marker, the rest whole", async () => {
    const line = await logLine(decisionWithReason("r".repeat(250_000)));
    expect(Buffer.byteLength(line)).toBeLessThan(LOG_EVENT_MAX_BYTES);
    const logged = JSON.parse(line).decision;
    expect(logged.observed.signal.reason).toBe(`${"r".repeat(2_000)}…[cut: 250000 characters in all]`);
    expect([logged.rule, logged.outcome, logged.target]).toEqual([
      "unknown-alarm",
      "ignored",
      "alarm:db-cpu",
    ]);
  });

  it("keeps a short reason as it is", async () => {
    const line = await logLine(decisionWithReason("Threshold Crossed: 1 datapoint [93.0] > 80"));
    expect(JSON.parse(line).decision.observed.signal.reason).toBe(
      "Threshold Crossed: 1 datapoint [93.0] > 80",
    );
  });

  it("cuts harder when many long fields together would still be too big", () => {
    const decision = {
      instances: Array.from({ length: 300 }, (_, i) => ({ id: `i-${i}`, message: "m".repeat(1_900) })),
    };
    const bounded = boundedForLog(decision);
    expect(Buffer.byteLength(JSON.stringify(bounded))).toBeLessThanOrEqual(DECISION_LOG_BUDGET_BYTES);
    expect(bounded.instances[0]?.message).toBe(`${"m".repeat(200)}…[cut: 1900 characters in all]`);
    expect(bounded.instances).toHaveLength(300);
  });
});
