import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CertPlan,
  planRotation,
  type RotationInput,
} from "../../../shared/cert-rotation/domain/plan-rotation";
import type { CertificateFacts, InFlightRotation } from "../../../shared/cert-rotation/domain/types";
import { aliasTo, arn, balancer, cert, days, healthyPair, input, NOW, SPEC } from "./builders";

const next = cert("next", { notAfter: days(90) });
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

/** The healthy pair with the new certificate available, bent by `bend`. */
function withCandidate(
  bend: (i: RotationInput) => Partial<RotationInput> = () => ({}),
  extra: CertificateFacts[] = [],
) {
  const { facts, certificates } = healthyPair();
  const base = input(facts, [...certificates, next, ...extra]);
  return { ...base, ...bend(base) };
}

const steps = (plan: CertPlan) =>
  plan.steps.map((s) => (s.kind === "set-color" ? `${s.balancer}=${s.color}` : `${s.kind}:${s.balancer}`));

describe("planRotation on a steady pair", () => {
  it.each([
    {
      row: "the serving ALB already has the newest valid certificate",
      given: () => {
        const { facts, certificates } = healthyPair();
        return input(facts, certificates);
      },
      rule: "in-sync",
      steps: [],
    },
    {
      row: "a newer valid certificate appears",
      given: () => withCandidate(),
      rule: "rotate",
      steps: ["attach-certificate:iot-b", "iot-b=green", "iot-a=blue", "point-dns:iot-b"],
    },
    {
      row: "the idle listener already has the newest certificate (put there by hand, or step (a) without a journal)",
      given: () => {
        const { facts, certificates } = healthyPair(cert("serving"), next);
        return input(facts, certificates);
      },
      rule: "rotate",
      steps: ["iot-b=green", "iot-a=blue", "point-dns:iot-b"],
    },
    {
      row: "the last rotation was 2 h ago and the serving certificate has 60 days left",
      given: () =>
        withCandidate(() => ({
          state: {
            lastRotation: {
              id: "r",
              certificateArn: arn("x"),
              fromArn: "b",
              toArn: "a",
              completedAt: hoursAgo(2),
            },
          },
        })),
      rule: "cooldown",
      steps: [],
    },
    {
      row: "the last rotation was 2 h ago but the serving certificate expires in 10 days",
      given: () => {
        const { facts, certificates } = healthyPair(
          cert("serving", { notAfter: days(10) }),
          cert("idle", { notAfter: days(5) }),
        );
        return input(facts, [...certificates, next], {
          state: {
            lastRotation: {
              id: "r",
              certificateArn: arn("x"),
              fromArn: "b",
              toArn: "a",
              completedAt: hoursAgo(2),
            },
          },
        });
      },
      rule: "rotate",
      steps: ["attach-certificate:iot-b", "iot-b=green", "iot-a=blue", "point-dns:iot-b"],
    },
  ])("$row -> $rule", ({ given, rule, steps: expected }) => {
    const plan = planRotation(given());
    expect(plan.rule).toBe(rule);
    expect(steps(plan)).toEqual(expected);
  });

  it("points DNS at the new green ALB keeping the alias style and target health, with its canonical zone", () => {
    const { b } = healthyPair();
    const plan = planRotation(withCandidate());
    const point = plan.steps.find((s) => s.kind === "point-dns");
    expect(point?.kind === "point-dns" && point.records).toEqual([
      {
        type: "A",
        alias: {
          hostedZoneId: b.canonicalHostedZoneId,
          dnsName: `dualstack.${b.dnsName}`,
          evaluateTargetHealth: true,
        },
      },
    ]);
    expect(plan.after.balancers.map((x) => [x.name, x.color, x.dns, x.certificateArn])).toEqual([
      ["iot-a", "blue", false, arn("serving")],
      ["iot-b", "green", true, next.arn],
    ]);
  });

  it("keeps a CNAME's TTL when it points it at the new green ALB", () => {
    const { a, b, certificates } = healthyPair();
    const facts = { balancers: [a, b], records: [{ type: "CNAME" as const, ttl: 30, values: [a.dnsName] }] };
    const plan = planRotation(
      input(facts, [...certificates, next], { pair: { ...SPEC, recordTypes: ["CNAME"] } }),
    );
    const point = plan.steps.find((s) => s.kind === "point-dns");
    expect(point?.kind === "point-dns" && point.records).toEqual([
      { type: "CNAME", ttl: 30, values: [b.dnsName] },
    ]);
  });

  it.each([
    { row: "20 days left", left: 20, severity: "warn" },
    { row: "5 days left", left: 5, severity: "critical" },
    { row: "already expired", left: -1, severity: "critical" },
  ])(
    "alerts when the serving certificate has $row and nothing can replace it ($severity)",
    ({ left, severity }) => {
      const { facts, certificates } = healthyPair(
        cert("serving", { notAfter: days(left) }),
        cert("idle", { notAfter: days(left - 1) }),
      );
      const plan = planRotation(input(facts, certificates));
      expect(plan.rule).toBe("expiring-no-candidate");
      expect(plan.alert?.severity).toBe(severity);
      expect(plan.steps).toEqual([]);
    },
  );
});

describe("planRotation on an inconsistent pair: reports and holds, never guesses", () => {
  const serving = cert("serving");
  const idle = cert("idle", { notAfter: days(20) });
  const a = balancer("iot-a", "green", serving.arn);
  it.each([
    {
      row: "two greens",
      balancers: [a, balancer("iot-b", "green", idle.arn)],
      records: [aliasTo(a)],
      problem: /both load balancers are tagged green/,
    },
    {
      row: "two blues",
      balancers: [balancer("iot-a", "blue", serving.arn), balancer("iot-b", "blue", idle.arn)],
      records: [aliasTo(a)],
      problem: /both load balancers are tagged blue/,
    },
    {
      row: "DNS on the blue one",
      balancers: [a, balancer("iot-b", "blue", idle.arn)],
      records: [aliasTo(balancer("iot-b", "blue", idle.arn))],
      problem: /DNS points at iot-b, which is tagged blue/,
    },
    {
      row: "three ALBs with the pair tag",
      balancers: [a, balancer("iot-b", "blue", idle.arn), balancer("iot-c", "blue", idle.arn)],
      records: [aliasTo(a)],
      problem: /found 3 load balancers/,
    },
    {
      row: "a missing colour tag",
      balancers: [a, balancer("iot-b", undefined, idle.arn)],
      records: [aliasTo(a)],
      problem: /iot-b has no DeploymentColor tag/,
    },
    {
      row: "an odd colour",
      balancers: [a, balancer("iot-b", "purple", idle.arn)],
      records: [aliasTo(a)],
      problem: /DeploymentColor=purple/,
    },
    {
      row: "no listener on the port",
      balancers: [a, balancer("iot-b", "blue", idle.arn, { listener: undefined })],
      records: [aliasTo(a)],
      problem: /iot-b has no listener on port 443/,
    },
    {
      row: "DNS on something else",
      balancers: [a, balancer("iot-b", "blue", idle.arn)],
      records: [aliasTo(balancer("legacy", "green", idle.arn))],
      problem: /neither load balancer of the pair/,
    },
    {
      row: "no record at all",
      balancers: [a, balancer("iot-b", "blue", idle.arn)],
      records: [],
      problem: /no A record devices\.example\.com/,
    },
  ])("$row", ({ balancers, records, problem }) => {
    const plan = planRotation(input({ balancers, records }, [serving, idle, next]));
    expect(plan.rule).toBe("inconsistent-pair");
    expect(plan.problems.join("; ")).toMatch(problem);
    expect(plan.steps).toEqual([]);
    expect(plan.alert?.severity).toBe("warn");
  });

  it("holds when the two listeners serve different SNI certificates", () => {
    const b = balancer("iot-b", "blue", idle.arn);
    const withSni = {
      ...a,
      listener: a.listener ? { ...a.listener, sniCertificateArns: [arn("legacy")] } : undefined,
    };
    const plan = planRotation(
      input({ balancers: [withSni, b], records: [aliasTo(a)] }, [serving, idle, next]),
    );
    expect(plan.rule).toBe("inconsistent-pair");
    expect(plan.problems.join()).toMatch(/different SNI certificates \(iot-a: .*legacy; iot-b: none\)/);
  });

  it("holds when the A and AAAA records point at different ALBs", () => {
    const b = balancer("iot-b", "blue", idle.arn);
    const plan = planRotation(
      input({ balancers: [a, b], records: [aliasTo(a, "A"), aliasTo(b, "AAAA")] }, [serving, idle, next], {
        pair: { ...SPEC, recordTypes: ["A", "AAAA"] },
      }),
    );
    expect(plan.rule).toBe("inconsistent-pair");
    expect(plan.problems.join()).toMatch(/disagree/);
  });

  it("holds when the serving certificate cannot be read from ACM (an IAM certificate, say)", () => {
    const iam = "arn:aws:iam::123456789012:server-certificate/devices";
    const green = balancer("iot-a", "green", iam);
    const plan = planRotation(
      input({ balancers: [green, balancer("iot-b", "blue", idle.arn)], records: [aliasTo(green)] }, [
        idle,
        next,
      ]),
    );
    expect(plan.rule).toBe("inconsistent-pair");
    expect(plan.problems.join()).toMatch(/could not be read from ACM/);
  });
});

describe("planRotation with a rotation in flight (crash recovery)", () => {
  const serving = cert("serving");
  const idle = cert("idle", { notAfter: days(20) });
  const flight = (overrides: Partial<InFlightRotation> = {}): InFlightRotation => ({
    id: "rot-1",
    certificateArn: next.arn,
    fromArn: balancer("iot-a", "", undefined).arn,
    toArn: balancer("iot-b", "", undefined).arn,
    startedAt: hoursAgo(1),
    ...overrides,
  });
  const world = (
    aColor: string,
    bColor: string,
    bCert: string,
    dnsOn: "a" | "b",
    extra: Partial<RotationInput> = {},
    certificates = [serving, idle, next],
  ) => {
    const a = balancer("iot-a", aColor, serving.arn);
    const b = balancer("iot-b", bColor, bCert);
    return input({ balancers: [a, b], records: [aliasTo(dnsOn === "a" ? a : b)] }, certificates, {
      state: { inFlight: flight() },
      ...extra,
    });
  };

  it.each([
    {
      row: "nothing done yet",
      given: () => world("green", "blue", idle.arn, "a"),
      rule: "finish-rotation",
      steps: ["attach-certificate:iot-b", "iot-b=green", "iot-a=blue", "point-dns:iot-b"],
    },
    {
      row: "a crash after (a)",
      given: () => world("green", "blue", next.arn, "a"),
      rule: "finish-rotation",
      steps: ["iot-b=green", "iot-a=blue", "point-dns:iot-b"],
    },
    {
      row: "a crash between the two tag writes (two greens)",
      given: () => world("green", "green", next.arn, "a"),
      rule: "finish-rotation",
      steps: ["iot-a=blue", "point-dns:iot-b"],
    },
    {
      row: "a crash after (b): DNS still on the now-blue ALB",
      given: () => world("blue", "green", next.arn, "a"),
      rule: "finish-rotation",
      steps: ["point-dns:iot-b"],
    },
    {
      row: "a crash after (c), before the journal was cleared",
      given: () => world("blue", "green", next.arn, "b"),
      rule: "finish-rotation",
      steps: [],
    },
    {
      row: "another run holding the lease",
      given: () =>
        world("green", "blue", next.arn, "a", {
          state: { inFlight: flight({ leaseUntil: new Date(NOW.getTime() + 60_000).toISOString() }) },
        }),
      rule: "rotation-in-progress",
      steps: [],
    },
    {
      row: "a lease that ran out (the run crashed)",
      given: () =>
        world("green", "blue", next.arn, "a", { state: { inFlight: flight({ leaseUntil: hoursAgo(1) }) } }),
      rule: "finish-rotation",
      steps: ["iot-b=green", "iot-a=blue", "point-dns:iot-b"],
    },
    {
      row: "DNS on the new ALB while it is still tagged blue (not a state we produce)",
      given: () => world("green", "blue", next.arn, "b"),
      rule: "inconsistent-pair",
      steps: [],
    },
    {
      row: "a colour swap without the certificate on the new ALB",
      given: () => world("blue", "green", idle.arn, "a"),
      rule: "inconsistent-pair",
      steps: [],
    },
    {
      row: "the in-flight certificate expired before anything visible changed",
      given: () =>
        world("green", "blue", next.arn, "a", {}, [serving, idle, { ...next, notAfter: days(-1) }]),
      rule: "in-sync",
      steps: [],
    },
    {
      row: "the in-flight certificate was revoked after the colours swapped",
      given: () => world("blue", "green", next.arn, "a", {}, [serving, idle, { ...next, status: "REVOKED" }]),
      rule: "rotation-stuck",
      steps: [],
    },
  ])("$row -> $rule", ({ given, rule, steps: expected }) => {
    const plan = planRotation(given());
    expect(plan.rule).toBe(rule);
    expect(steps(plan)).toEqual(expected);
  });

  it("drops an abandoned rotation from the journal and says why", () => {
    const a = balancer("iot-a", "green", serving.arn);
    const b = balancer("iot-b", "blue", next.arn);
    const plan = planRotation(
      input({ balancers: [a, b], records: [aliasTo(a)] }, [serving, idle, { ...next, notAfter: days(-1) }], {
        state: { inFlight: flight() },
      }),
    );
    expect(plan.clearsInFlight).toBe(true);
    expect(plan.guards[0]).toMatchObject({
      name: "abandoned-rotation",
      detail: expect.stringMatching(/expired on/),
    });
  });

  it("never bypasses the journal: the same state without it is an inconsistent pair", () => {
    const plan = planRotation({ ...world("blue", "green", next.arn, "a"), state: {} });
    expect(plan.rule).toBe("inconsistent-pair");
  });
});

describe("planRotation on certificate events", () => {
  it.each([
    {
      row: "a certificate for another domain",
      event: cert("other", { names: ["shop.example.net"], notAfter: days(300) }),
      rule: "ignored",
      reason: /covers shop\.example\.net, none of devices\.example\.com/,
    },
    { row: "a certificate ACM no longer has", event: undefined, rule: "ignored", reason: /is not in ACM/ },
    {
      row: "the serving certificate approaching expiry",
      event: cert("serving"),
      rule: "in-sync",
      reason: /newest valid certificate/,
    },
    {
      row: "a certificate for our domain that expires sooner",
      event: cert("sooner", { notAfter: days(30) }),
      rule: "in-sync",
      reason: /newest valid certificate/,
    },
  ])("$row -> $rule", ({ event, rule, reason }) => {
    const { facts, certificates } = healthyPair();
    const eventArn = event?.arn ?? arn("gone");
    const all =
      event && !certificates.some((c) => c.arn === event.arn) ? [...certificates, event] : certificates;
    const plan = planRotation(input(facts, all, { eventCertificateArn: eventArn }));
    expect(plan.rule).toBe(rule);
    expect(plan.reason).toMatch(reason);
  });

  it("reacts to an event about an SNI certificate of the pair's listeners", () => {
    const { a, b, certificates } = healthyPair();
    const sni = arn("sni");
    const withSni = (x: typeof a) => ({
      ...x,
      listener: x.listener ? { ...x.listener, sniCertificateArns: [sni] } : undefined,
    });
    const plan = planRotation(
      input({ balancers: [withSni(a), withSni(b)], records: [aliasTo(a)] }, certificates, {
        eventCertificateArn: sni,
      }),
    );
    expect(plan.rule).toBe("in-sync");
  });
});

describe("the order of the steps never sends a device to an older certificate", () => {
  it("whatever intermediate state a crash left, DNS moves only to a listener that has the newer certificate", () => {
    const serving = cert("serving");
    const idle = cert("idle", { notAfter: days(20) });
    fc.assert(
      fc.property(
        fc.constantFrom("green", "blue"),
        fc.constantFrom("green", "blue"),
        fc.boolean(),
        fc.constantFrom<"a" | "b">("a", "b"),
        fc.boolean(),
        (aColor, bColor, attached, dnsOn, inFlight) => {
          const a = balancer("iot-a", aColor, serving.arn);
          const b = balancer("iot-b", bColor, attached ? next.arn : idle.arn);
          const plan = planRotation(
            input({ balancers: [a, b], records: [aliasTo(dnsOn === "a" ? a : b)] }, [serving, idle, next], {
              state: inFlight
                ? {
                    inFlight: {
                      id: "r",
                      certificateArn: next.arn,
                      fromArn: a.arn,
                      toArn: b.arn,
                      startedAt: hoursAgo(1),
                    },
                  }
                : {},
            }),
          );
          const served = plan.after.balancers.find((x) => x.dns);
          if (plan.steps.some((s) => s.kind === "point-dns")) {
            expect(served?.certificateArn).toBe(next.arn);
            expect(served?.color).toBe("green");
          }
          // The listener DNS points at before the plan is never the one whose certificate changes.
          const attachTo = plan.steps.find((s) => s.kind === "attach-certificate")?.balancerArn;
          const before = plan.before.balancers.find((x) => x.dns)?.arn;
          if (attachTo !== undefined) expect(attachTo).not.toBe(before);
        },
      ),
    );
  });
});
