import { EC2Client } from "@aws-sdk/client-ec2";
import { DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../../functions/canary/handler";
import {
  type CanaryWorld,
  putGateAlarms,
  seedCanaryWorld,
  setAlarmState,
} from "../../../sandbox/seed/canary-world";
import { createCloudWatchClient } from "../../../shared/adapters/aws/clients/cloudwatch";
import { createElbv2Client } from "../../../shared/adapters/aws/clients/elbv2";
import type { CanaryDecision } from "../../../shared/canary/domain/canary-decision";
import { parseStageConfig } from "../../../shared/config/stage-config";
import { scheduledEvent as scheduled } from "../../support/events";
import { delay, status, throttle } from "../../support/fault-proxy";
import {
  abandonedCallsSettled,
  type FaultWorld,
  SLACK_OUTAGE_BUDGET_MS,
  startFaultWorld,
  timed,
} from "../../support/fault-setup";
import { motoOrSkip } from "../../support/moto";
import { canaryRuntime, handlerFor, testColdStart } from "../../support/runtimes";

const hasMoto = motoOrSkip();
const NOW = new Date("2026-11-02T12:00:00Z");

describe.skipIf(!hasMoto)("canary under injected AWS and Slack faults", () => {
  let world: FaultWorld;
  let count = 0;

  beforeAll(async () => {
    world = await startFaultWorld();
  });
  afterEach(() => world.clearFaults());
  afterAll(async () => {
    await world?.stop();
  });

  /** A canary of its own (rule, target groups, gate alarms) and a handler that talks through the proxies. */
  async function canary() {
    count += 1;
    const name = `cf${count}`;
    const elbv2 = createElbv2Client(world.direct());
    const cloudwatch = createCloudWatchClient(world.direct());
    const seeded: CanaryWorld = await seedCanaryWorld(elbv2, new EC2Client(world.direct()), {
      name,
      stableTargets: 2,
      canaryTargets: 2,
      stickinessSeconds: 3_600,
    });
    await putGateAlarms(cloudwatch, seeded, { errors: `${name}-5xx`, latency: `${name}-p99` });
    await setAlarmState(cloudwatch, `${name}-5xx`, "OK", "no 5xx");
    await setAlarmState(cloudwatch, `${name}-p99`, "OK", "fast");
    const config = parseStageConfig(
      `
stage: test
region: eu-west-1
parameterPrefix: /traffic-autopilot/test
slack: { channel: "#releases", tokenParameter: /traffic-autopilot/test/slack-token }
canary:
  mode: auto
  canaries:
    - name: ${name}
      listenerRuleArn: ${seeded.ruleArn}
      stableTargetGroupArn: ${seeded.stableTargetGroupArn}
      canaryTargetGroupArn: ${seeded.canaryTargetGroupArn}
      steps: [10, 100]
      bakeMinutes: 10
      gateAlarms: [${name}-5xx, ${name}-p99]
      minHealthyTargets: 1
      stickinessSeconds: 3600
`,
      "test.yml",
    );
    const run = async (event: unknown, budgetMs = 30_000) => {
      const runtime = canaryRuntime({
        base: testColdStart({ stage: config, ssm: world.viaProxy(), slack: world.slackClient() }),
        aws: world.viaProxy(),
        now: () => NOW,
        deadlineMs: budgetMs,
      });
      const out = await handlerFor(createHandler, runtime)(event);
      const decisions = (
        Array.isArray(out) ? out : (out as { decisions: CanaryDecision[] }).decisions
      ) as CanaryDecision[];
      const decision = decisions.find((d) => d.target === name);
      if (decision === undefined) throw new Error(`no decision in ${JSON.stringify(out)}`);
      return decision;
    };
    const start = (budgetMs?: number) =>
      run(
        { canaryCommand: { kind: "start", canary: name, author: "alice", reason: "release 2026.11.2" } },
        budgetMs,
      );
    const weights = async () => {
      const out = await elbv2.send(new DescribeRulesCommand({ RuleArns: [seeded.ruleArn] }));
      const forward = out.Rules?.[0]?.Actions?.find((a) => a.Type === "forward")?.ForwardConfig;
      const weight = (arn: string) => forward?.TargetGroups?.find((g) => g.TargetGroupArn === arn)?.Weight;
      return { stable: weight(seeded.stableTargetGroupArn), canary: weight(seeded.canaryTargetGroupArn) };
    };
    return { start, run, weights };
  }

  it.each([
    ["Throttling", throttle("Throttling"), 2],
    ["HTTP 503", status(503), 2],
  ])("takes the first step through %s on ModifyRule and reads it back", async (_, fault, times) => {
    const c = await canary();
    world.aws.inject({ operation: "ModifyRule", fault, times });
    const decision = await c.start();
    expect([decision.rule, decision.outcome]).toEqual(["advance", "applied"]);
    expect(await c.weights()).toEqual({ stable: 900, canary: 100 });
    expect(world.aws.faults("ModifyRule")).toBeGreaterThanOrEqual(times);
  });

  it("fails safe when ModifyRule keeps failing past the deadline, and the scheduled run converges", async () => {
    const c = await canary();
    world.aws.inject({ operation: "ModifyRule", fault: throttle("Throttling") });
    const { value: failed, ms } = await timed(() => c.start(2_000));
    expect(failed.outcome).toBe("failed");
    expect(failed.error?.name).toBe("TransientAwsError");
    expect(ms).toBeLessThan(2_000 + 5_500);
    expect(await c.weights()).toEqual({ stable: 999, canary: 0 });

    await abandonedCallsSettled(() => world.aws.requests("ModifyRule"));
    world.clearFaults();
    // The start is recorded; the scheduled run takes the step the failed call could not.
    const converged = await c.run(scheduled);
    expect([converged.rule, converged.outcome]).toEqual(["advance", "applied"]);
    expect(await c.weights()).toEqual({ stable: 900, canary: 100 });
  }, 40_000);

  it("takes the step during a Slack outage (429, 500, no answer) within the Slack timeout budget", async () => {
    const baseline = await canary();
    const { ms: normal } = await timed(() => baseline.start());
    for (const fault of [status(429, 30), status(500), delay(60_000)]) {
      const c = await canary();
      world.slack.inject({ operation: (i) => i.protocol === "slack", fault });
      const { value: decision, ms } = await timed(() => c.start());
      const slackCalls = world.slack.requests();
      world.clearFaults();
      expect([decision.rule, decision.outcome]).toEqual(["advance", "applied"]);
      expect(await c.weights()).toEqual({ stable: 900, canary: 100 });
      expect(ms - normal).toBeLessThan(SLACK_OUTAGE_BUDGET_MS);
      console.info(
        `canary: slack ${JSON.stringify(fault)} run ${ms} ms vs ${normal} ms without faults (${slackCalls} Slack requests so far)`,
      );
    }
  }, 60_000);
});
