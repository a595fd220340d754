import { describe, expect, it } from "vitest";
import { checkPair } from "../../shared/doctor/domain/alb-checks";
import { checkPoolRecords, checkSubscription } from "../../shared/doctor/domain/aws-checks";
import { checkFleet } from "../../shared/doctor/domain/fleet-checks";
import { checkSlackChannel } from "../../shared/doctor/domain/stack-checks";
import { type CheckResult, doctorExitCode, renderResultLine } from "../../shared/doctor/domain/types";

const result = (status: CheckResult["status"]): CheckResult => ({
  check: "x",
  target: "t",
  status,
  detail: "d",
});

describe("doctor's checks", () => {
  it.each([
    ["every check passed", ["PASS", "PASS"], 0],
    ["warnings only", ["PASS", "WARN"], 1],
    ["a failure beside warnings", ["WARN", "FAIL", "PASS"], 2],
    ["nothing configured", [], 0],
  ] as const)("exit code when %s", (_name, statuses, code) => {
    expect(doctorExitCode(statuses.map(result))).toBe(code);
  });

  it("turns a read it was not allowed to make into a FAIL naming the call", () => {
    const line = checkPoolRecords({
      pool: "images",
      zoneId: "Z1",
      recordName: "img.example.com.",
      recordType: "CNAME",
      wantedSetIdentifiers: ["primary"],
      zone: { error: "AccessDenied: not authorized to perform route53:GetHostedZone" },
      records: [],
    });
    expect(line.status).toBe("FAIL");
    expect(renderResultLine(line)).toMatch(
      /route53:GetHostedZone failed: AccessDenied.*-> fix: let the caller run/,
    );
  });

  it("counts a record without a weight as missing: a simple record is not weighted routing", () => {
    const line = checkPoolRecords({
      pool: "images",
      zoneId: "Z1",
      recordName: "img.example.com.",
      recordType: "CNAME",
      wantedSetIdentifiers: ["primary"],
      zone: { name: "example.com." },
      records: [{ setIdentifier: "primary" }],
    });
    expect(line.detail).toContain("no weighted record primary");
  });

  it("names an instance SSM does not know at all", () => {
    const line = checkFleet({
      fleet: "web",
      tag: { key: "Role", value: "web" },
      instanceIds: ["i-1", "i-2"],
      agents: { "i-1": "Online" },
    });
    expect(line.detail).toBe("1 of 2 instances have no online SSM agent: i-2 not registered with SSM");
  });

  it("accepts a subscription to a function alias, not to another function with a longer name", () => {
    const base = {
      check: "flow.subscription",
      functionName: "ta-prod-flow-control",
      topicArn: "arn:aws:sns:eu-west-1:1:alarms",
    };
    expect(
      checkSubscription({
        ...base,
        endpoints: ["arn:aws:lambda:eu-west-1:1:function:ta-prod-flow-control:live"],
      }).status,
    ).toBe("PASS");
    expect(
      checkSubscription({
        ...base,
        endpoints: ["arn:aws:lambda:eu-west-1:1:function:ta-prod-flow-control-old"],
      }).status,
    ).toBe("FAIL");
  });

  it("fails a pair whose DNS points at the blue ALB, with the green one to point at", () => {
    const line = checkPair({
      pair: "devices",
      tag: { key: "AlbPair", value: "devices" },
      colorTagKey: "DeploymentColor",
      listenerPort: 443,
      recordName: "devices.example.com.",
      balancers: [
        { name: "a", dnsName: "a-1.elb.amazonaws.com", color: "green", listenerProtocol: "HTTPS" },
        { name: "b", dnsName: "b-1.elb.amazonaws.com", color: "blue", listenerProtocol: "HTTPS" },
      ],
      dnsTargets: ["dualstack.b-1.elb.amazonaws.com."],
    });
    expect(line.status).toBe("FAIL");
    expect(line.fix).toContain("point devices.example.com. at a (a-1.elb.amazonaws.com)");
  });

  it("does not check channel membership with a token that fails", () => {
    const line = checkSlackChannel({
      channel: "#ops",
      tokenParameter: "/t",
      auth: { error: "invalid_auth" },
    });
    expect(line.status).toBe("FAIL");
    expect(line.fix).toBe("fix slack.token first");
  });
});
