import { describe, expect, it } from "vitest";
import { certDecision } from "../../../shared/cert-rotation/domain/cert-decision";
import { renderCertRotationMessage } from "../../../shared/cert-rotation/domain/cert-rotation-message";
import { planRotation } from "../../../shared/cert-rotation/domain/plan-rotation";
import { cert, days, healthyPair, input, NOW } from "./builders";

describe("the cert-rotation Slack message", () => {
  it("shows colours, certificates, expiry dates, domains and the DNS change of an applied rotation", () => {
    const { facts, certificates } = healthyPair();
    const next = cert("next", { notAfter: days(90) });
    const plan = planRotation(input(facts, [...certificates, next]));
    const decision = certDecision({
      pair: "iot",
      trigger: {
        kind: "certificate-event",
        source: "ACM Certificate Available 9c95e8e4",
        at: NOW.toISOString(),
      },
      now: NOW,
      mode: "auto",
      plan,
      applied: {
        kind: "applied",
        stepsDone: plan.steps,
        dns: { changeId: "/change/C2682N5HXP0BZ4", status: "INSYNC" },
      },
      certificates: new Map([...certificates, next].map((c) => [c.arn, c])),
      observed: {
        pair: "iot",
        requiredHostnames: plan.required,
        candidates: plan.candidates,
        problems: [],
        certificate: { arn: next.arn, names: next.names, notAfter: next.notAfter ?? "" },
        ...(plan.serving ? { serving: plan.serving } : {}),
      },
    });
    const message = renderCertRotationMessage(decision);
    expect(message.severity).toBe("info");
    expect(message.text).toBe("iot: rotated to certificate next — iot-b is green with DNS");
    expect(message).toMatchSnapshot();
  });

  it("lists the problems of an inconsistent pair with a warning", () => {
    const { a, b, certificates } = healthyPair();
    const plan = planRotation(
      input(
        { balancers: [a, { ...b, tags: { ...b.tags, DeploymentColor: "green" } }], records: [] },
        certificates,
      ),
    );
    const decision = certDecision({
      pair: "iot",
      trigger: { kind: "schedule", source: "rule/daily", at: NOW.toISOString() },
      now: NOW,
      mode: "auto",
      plan,
      applied: { kind: "not-attempted" },
      certificates: new Map(),
      observed: { pair: "iot", requiredHostnames: [], candidates: [], problems: plan.problems },
    });
    const message = renderCertRotationMessage(decision);
    expect(message.severity).toBe("warn");
    expect(JSON.stringify(message.blocks)).toContain("Problems (holding, not guessing)");
    expect(JSON.stringify(message.blocks)).toContain("no A record devices.example.com.");
  });
});
