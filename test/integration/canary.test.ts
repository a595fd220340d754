import { readFileSync } from "node:fs";
import path from "node:path";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeRulesCommand,
  type ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CanaryRuntime } from "../../functions/canary/deps";
import { createHandler } from "../../functions/canary/handler";
import {
  alarmSnsEvent,
  type CanaryWorld,
  putGateAlarms,
  seedCanaryWorld,
  setAlarmState,
} from "../../sandbox/seed/canary-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createCloudWatchClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { createCloudWatchAlarmStates } from "../../shared/adapters/aws/cloudwatch-alarm-states";
import { createElbv2ListenerRules } from "../../shared/adapters/aws/elbv2-listener-rules";
import { createElbv2TargetHealth } from "../../shared/adapters/aws/elbv2-target-health";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import type { CanaryDecision } from "../../shared/canary/domain/canary-decision";
import { parseStageConfig } from "../../shared/config/stage-config";
import { createLogger } from "../../shared/runtime/logger";
import { rejectedWith } from "../support/events";
import { motoClientOptions, motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();
const events = path.resolve(__dirname, "../fixtures/events");
const fixture = (file: string) => JSON.parse(readFileSync(path.join(events, file), "utf8"));
const scheduled = fixture("eventbridge/scheduled-event.json");
const inAlarm = fixture("sns/cloudwatch-alarm-in-alarm.json");
const ok = fixture("sns/cloudwatch-alarm-ok.json");
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const START = new Date("2026-11-02T12:00:00Z");

describe.skipIf(!hasMoto)("canary against moto", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let elbv2: ElasticLoadBalancingV2Client;
  let cloudwatch: CloudWatchClient;
  const calls: string[] = [];
  const worlds: Record<string, CanaryWorld> = {};
  const clock = { now: START };
  const logLines: string[] = [];

  const canaryYaml = (name: string, world: CanaryWorld, minHealthy = 2) => `
    - name: ${name}
      listenerRuleArn: ${world.ruleArn}
      stableTargetGroupArn: ${world.stableTargetGroupArn}
      canaryTargetGroupArn: ${world.canaryTargetGroupArn}
      steps: [1, 5, 25, 50, 100]
      bakeMinutes: 10
      gateAlarms: [${name}-5xx, ${name}-p99]
      minHealthyTargets: ${minHealthy}
      stickinessSeconds: 86400`;

  function handler() {
    const config = parseStageConfig(
      `
stage: test
region: eu-west-1
parameterPrefix: /traffic-autopilot/test
slack: { channel: "#releases", tokenParameter: /traffic-autopilot/test/slack-token }
canary:
  mode: auto
  canaries:${canaryYaml("ckout", worlds.ckout as CanaryWorld)}${canaryYaml("rback", worlds.rback as CanaryWorld)}${canaryYaml("thin", worlds.thin as CanaryWorld, 2)}
`,
      "test.yml",
    );
    const section = config.canary;
    if (section === undefined) throw new Error("test stage has no canary section");
    const options = motoClientOptions(moto.url);
    const ssm = createSsmClient(options);
    const logger = createLogger({ write: (line) => logLines.push(line), clock: () => clock.now });
    const notifier = createSlackNotifier(
      createSlackClient("xoxb-test-token", 2_000, slack.apiUrl),
      "#releases",
      logger,
    );
    const runtime: CanaryRuntime = {
      config: section,
      base: {
        env: { stage: "test", configFile: "test.yml", logLevel: "info" },
        config,
        logger,
        ssm,
        notifier,
      },
      deps: () => ({
        rules: createElbv2ListenerRules(elbv2, { deadline: () => new Date(Date.now() + 30_000) }),
        alarms: createCloudWatchAlarmStates(cloudwatch),
        health: createElbv2TargetHealth(elbv2),
        state: createSsmStateStore(ssm, config.parameterPrefix),
        overrides: createSsmOverrideStore(
          ssm,
          config.parameterPrefix,
          createSsmStateStore(ssm, config.parameterPrefix),
        ),
        notifier,
        logger,
        now: () => clock.now,
      }),
    };
    return createHandler(async () => runtime);
  }

  const run = async (event: unknown) => (await handler()(event, context)) as CanaryDecision[];
  const command = (kind: string, canary: string, extra: Record<string, string> = {}) =>
    handler()(
      { canaryCommand: { kind, canary, author: "alice", reason: "release 2026.11.2", ...extra } },
      context,
    );
  const later = (minutes: number) => {
    clock.now = new Date(clock.now.getTime() + minutes * 60_000);
  };
  const modifyRuleCalls = () => calls.filter((c) => c === "ModifyRuleCommand").length;

  async function forward(world: CanaryWorld) {
    const out = await elbv2.send(new DescribeRulesCommand({ RuleArns: [world.ruleArn] }));
    const action = out.Rules?.[0]?.Actions?.find((a) => a.Type === "forward");
    const weight = (arn: string) =>
      action?.ForwardConfig?.TargetGroups?.find((g) => g.TargetGroupArn === arn)?.Weight;
    return {
      stable: weight(world.stableTargetGroupArn),
      canary: weight(world.canaryTargetGroupArn),
      stickiness: action?.ForwardConfig?.TargetGroupStickinessConfig,
    };
  }

  async function storedRecord(name: string) {
    const ssm = createSsmClient(motoClientOptions(moto.url));
    const out = await ssm.send(
      new GetParameterCommand({ Name: `/traffic-autopilot/test/canary/${name}/record` }),
    );
    return JSON.parse(out.Parameter?.Value ?? "{}");
  }

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    const options = motoClientOptions(moto.url);
    elbv2 = createElbv2Client(options);
    // Counts every ELBv2 call the handler makes (the handler shares this client).
    elbv2.middlewareStack.add(
      (next, ctx) => async (args) => {
        calls.push(ctx.commandName ?? "?");
        return next(args);
      },
      { step: "initialize" },
    );
    cloudwatch = createCloudWatchClient(options);
    const ec2 = new EC2Client(options);
    const seed = async (name: string, canaryTargets: number) => {
      worlds[name] = await seedCanaryWorld(elbv2, ec2, {
        name,
        stableTargets: 3,
        canaryTargets,
        stickinessSeconds: 86_400,
      });
      await putGateAlarms(cloudwatch, worlds[name] as CanaryWorld, {
        errors: `${name}-5xx`,
        latency: `${name}-p99`,
      });
      // moto starts new alarms in OK (AWS: INSUFFICIENT_DATA); say which state we mean.
      await setAlarmState(cloudwatch, `${name}-5xx`, "OK", "no 5xx");
      await setAlarmState(cloudwatch, `${name}-p99`, "OK", "fast");
    };
    await seed("ckout", 3);
    await seed("rback", 3);
    // moto reports every registered target healthy: too FEW targets is how a test makes a canary unhealthy.
    await seed("thin", 1);
    calls.length = 0;
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  it("runs a canary from 1% to 100% through the real handler as the clock passes each bake time", async () => {
    clock.now = START;
    const started = (await command("start", "ckout")) as { accepted: boolean; decisions: CanaryDecision[] };
    expect(started.accepted).toBe(true);
    expect(started.decisions[0]).toMatchObject({
      rule: "advance",
      outcome: "applied",
      change: { call: "ModifyRule" },
    });
    expect(await forward(worlds.ckout as CanaryWorld)).toEqual({
      stable: 990,
      canary: 10,
      stickiness: { Enabled: true, DurationSeconds: 86_400 },
    });

    later(5);
    const modifies = modifyRuleCalls();
    const [baking] = await run(scheduled);
    expect(baking).toMatchObject({ rule: "baking", outcome: "unchanged" });
    expect(modifyRuleCalls()).toBe(modifies);
    later(5);

    const seen: number[] = [];
    // Every 10 minutes past the first step: 4 more steps and the completion, bounded.
    for (let round = 0; round < 8 && (await storedRecord("ckout")).status === "running"; round++) {
      const decisions = await run(scheduled);
      expect(decisions.find((d) => d.target === "ckout")?.outcome).toBe("applied");
      seen.push((await forward(worlds.ckout as CanaryWorld)).canary ?? -1);
      later(10);
    }
    expect(seen).toEqual([50, 250, 500, 999, 999]);
    expect(await forward(worlds.ckout as CanaryWorld)).toEqual({
      stable: 0,
      canary: 999,
      stickiness: { Enabled: false },
    });
    expect(await storedRecord("ckout")).toMatchObject({ status: "completed", stepIndex: 4 });

    const posts = slack.calls.filter((c) => c.method === "chat.postMessage");
    const root = posts.find((p) => p.body.thread_ts === undefined);
    const replies = posts.filter((p) => p.body.thread_ts !== undefined);
    expect(replies).toHaveLength(6);
    expect(new Set(replies.map((p) => p.body.thread_ts))).toEqual(
      new Set([(await storedRecord("ckout")).threadTs]),
    );
    expect(String(root?.body.text)).toMatch(/ckout canary — running at step 1 of 5 \(1%\)/);
    const updates = slack.calls.filter((c) => c.method === "chat.update");
    expect(String(updates.at(-1)?.body.text)).toMatch(/ckout canary — completed/);
    expect(JSON.stringify(replies.at(-1)?.body)).toMatch(/Next for the operator/);
    expect(logLines.join("\n")).not.toContain("xoxb-test-token");
  });

  it("rolls back on an alarm notification: the rule reads back canary weight 0 with stickiness disabled", async () => {
    clock.now = START;
    await command("start", "rback");
    later(10);
    await run(scheduled);
    expect((await forward(worlds.rback as CanaryWorld)).canary).toBe(50);

    later(3);
    await setAlarmState(cloudwatch, "rback-5xx", "ALARM", "Threshold Crossed: 14 5xx in a minute");
    // Out of order: the OK notification from before the alarm arrives first. Gates are read as states.
    const staleOk = alarmSnsEvent(ok, {
      alarmName: "rback-5xx",
      newState: "OK",
      oldState: "ALARM",
      at: new Date(clock.now.getTime() - 60_000),
    });
    const decisions = await run(staleOk);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      target: "rback",
      rule: "gate-alarm",
      outcome: "applied",
      severity: "critical",
    });
    expect(await forward(worlds.rback as CanaryWorld)).toEqual({
      stable: 999,
      canary: 0,
      stickiness: { Enabled: false },
    });
    expect(await storedRecord("rback")).toMatchObject({ status: "rolled-back" });

    const modifies = modifyRuleCalls();
    const alarm = alarmSnsEvent(inAlarm, {
      alarmName: "rback-5xx",
      newState: "ALARM",
      oldState: "OK",
      at: clock.now,
    });
    expect(await run(alarm)).toEqual([]);
    expect(await run(alarm)).toEqual([]);
    expect(modifyRuleCalls()).toBe(modifies);
    await setAlarmState(cloudwatch, "rback-5xx", "OK", "recovered");
  });

  it("holds a canary with fewer healthy targets than required, and one whose gate has no data", async () => {
    clock.now = START;
    const modifies = modifyRuleCalls();
    const started = (await command("start", "thin")) as { decisions: CanaryDecision[] };
    expect(started.decisions[0]).toMatchObject({ rule: "unhealthy-canary", outcome: "held" });
    expect(started.decisions[0]?.headline).toMatch(/1 of 1 canary targets healthy \(need 2\)/);

    await setAlarmState(cloudwatch, "thin-p99", "INSUFFICIENT_DATA", "no datapoints");
    const decisions = await run(
      alarmSnsEvent(inAlarm, {
        alarmName: "thin-p99",
        newState: "INSUFFICIENT_DATA",
        oldState: "OK",
        at: clock.now,
      }),
    );
    expect(decisions[0]).toMatchObject({ rule: "gate-no-data", outcome: "held" });
    expect(modifyRuleCalls()).toBe(modifies);
    expect(await forward(worlds.thin as CanaryWorld)).toEqual({
      stable: 999,
      canary: 0,
      stickiness: { Enabled: true, DurationSeconds: 86_400 },
    });
  });

  it("changes nothing on bad input: malformed alarm messages, other publishers, unknown alarms and canaries", async () => {
    const before = calls.length;
    const malformed = structuredClone(inAlarm);
    malformed.Records[0].Sns.Message = malformed.Records[0].Sns.Message.replace(
      '"NewStateValue":"ALARM"',
      '"NewStateValue":"RED"',
    );
    await expect(run(malformed)).resolves.toMatchObject(
      rejectedWith(/malformed CloudWatch alarm notification.*NewStateValue/),
    );

    const notAlarm = structuredClone(inAlarm);
    notAlarm.Records[0].Sns.Message = "AWS Budget Notification November 02, 2026";
    await expect(run(notAlarm)).resolves.toMatchObject(rejectedWith(/not a CloudWatch alarm notification/));

    await expect(
      run(
        alarmSnsEvent(inAlarm, {
          alarmName: "billing-spike",
          newState: "ALARM",
          oldState: "OK",
          at: clock.now,
        }),
      ),
    ).resolves.toMatchObject(rejectedWith(/alarm billing-spike gates no configured canary/));
    await expect(command("abort", "chekout")).rejects.toThrow(/unknown canary "chekout"/);
    await expect(command("promote", "ckout")).rejects.toThrow(
      /invalid canary command: canaryCommand\.expiresAt/,
    );
    expect(calls.length).toBe(before);
  });
});
