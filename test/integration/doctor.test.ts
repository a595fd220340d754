import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DescribeAlarmsCommand, type MetricAlarm, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import {
  AddTagsCommand,
  DescribeRulesCommand,
  ModifyRuleCommand,
  RemoveTagsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { LambdaClient, PutFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import {
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDoctor } from "../../cli/doctor/run-doctor";
import type { StageConfig } from "../../shared/config/stage-config";
import { type CheckResult, doctorExitCode, renderResultLine } from "../../shared/doctor/domain/types";
import { runAutopilot as autopilot } from "../support/autopilot-cli";
import { type DoctorWorld, startDoctorWorld } from "../support/doctor-world";
import { motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();

interface Misconfiguration {
  name: string;
  /** The one check that must catch it. */
  check: string;
  /** Words its line must carry (what was found), besides a fix. */
  says: RegExp;
  /** A stage file that does not match the account... */
  config?: (config: StageConfig) => void;
  /** ...or an account that does not match the stage file: returns the repair. */
  break?: (w: DoctorWorld) => Promise<() => Promise<void>>;
}

const flowTopic = (w: DoctorWorld) => w.config.flowControl?.alarmTopicArns[0] ?? "";

const MISCONFIGURATIONS: Misconfiguration[] = [
  {
    name: "a pool's record has no weighted record for a configured origin",
    check: "balancer.records",
    says: /no weighted record elastik/,
    config: (c) => {
      const origin = c.originBalancer?.pools[0]?.origins[1];
      if (origin) origin.setIdentifier = "elastik";
    },
  },
  {
    name: "a hosted zone id typo",
    check: "balancer.records",
    says: /hosted zone Z0TYPO0000000 does not exist/,
    config: (c) => {
      const pool = c.originBalancer?.pools[0];
      if (pool) pool.record.hostedZoneId = "Z0TYPO0000000";
    },
  },
  {
    name: "a CloudFront distribution id with no metrics",
    check: "balancer.cloudfront",
    says: /no CloudFront Requests datapoints/,
    config: (c) => {
      const pool = c.originBalancer?.pools[0];
      if (pool) pool.distributions = ["E9NOSUCHDIST"];
    },
  },
  {
    name: "a flow-control alarm that publishes to another topic",
    check: "flow.alarms",
    says: /web-cpu-high's ALARM actions do not publish to a configured topic/,
    break: async (w) => {
      const original = await alarm(w, "web-cpu-high");
      const other = flowTopic(w).replace(/[^:]+$/, "ops-pager");
      await putAlarm(w, original, [other]);
      return () => putAlarm(w, original, original.AlarmActions ?? []);
    },
  },
  {
    name: "the flow-control function not subscribed to the alarm topic",
    check: "flow.subscription",
    says: /traffic-autopilot-sandbox-flow-control is not subscribed/,
    break: async (w) => {
      const sns = new SNSClient(w.aws);
      const topic = flowTopic(w);
      const subscriptions = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic })))
        .Subscriptions;
      const ours = subscriptions?.find((s) =>
        s.Endpoint?.endsWith(":function:traffic-autopilot-sandbox-flow-control"),
      );
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: ours?.SubscriptionArn }));
      return async () => {
        await sns.send(
          new SubscribeCommand({ TopicArn: topic, Protocol: "lambda", Endpoint: ours?.Endpoint }),
        );
        sns.destroy();
      };
    },
  },
  {
    name: "a fleet instance whose SSM agent is offline",
    check: "flow.fleet",
    says: /1 of 3 instances have no online SSM agent: i-\w+ ConnectionLost/,
    break: async (w) => {
      const id = w.instanceIds[1] ?? "";
      w.standIn.setInstanceOnline(id, false);
      return async () => w.standIn.setInstanceOnline(id, true);
    },
  },
  {
    name: "an ALB of the pair without its colour tag",
    check: "cert.pair",
    says: /has no DeploymentColor tag/,
    break: async (w) => {
      const blue = w.seeded.certPair?.balancers[`${w.seeded.certPair.pairName}-b`];
      const arn = blue?.arn ?? "";
      await w.world.elbv2.send(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: ["DeploymentColor"] }));
      return async () => {
        await w.world.elbv2.send(
          new AddTagsCommand({ ResourceArns: [arn], Tags: [{ Key: "DeploymentColor", Value: "blue" }] }),
        );
      };
    },
  },
  {
    name: "a canary rule that forwards to the stable target group only",
    check: "canary.rule",
    says: /the forward action does not include web-canary/,
    break: async (w) => {
      const ruleArn = w.seeded.canary?.ruleArn ?? "";
      const rule = (await w.world.elbv2.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules?.[0];
      await w.world.elbv2.send(
        new ModifyRuleCommand({
          RuleArn: ruleArn,
          Actions: [{ Type: "forward", TargetGroupArn: w.seeded.canary?.stableTargetGroupArn }],
        }),
      );
      return async () => {
        await w.world.elbv2.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: rule?.Actions }));
      };
    },
  },
  {
    name: "the Slack bot not in the channel",
    check: "slack.channel",
    says: /the bot is not a member of the channel/,
    break: async (w) => {
      w.slack.setChannel(w.config.slack.channel, false);
      return async () => {
        w.slack.setChannel(w.config.slack.channel, true);
      };
    },
  },
  {
    name: "a function whose reserved concurrency was changed by hand",
    check: "functions.deployed",
    says: /reserved concurrency 5 \(expected 1/,
    break: async (w) => {
      const lambda = new LambdaClient(w.aws);
      const name = "traffic-autopilot-sandbox-origin-balancer";
      await lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 5 }),
      );
      return async () => {
        await lambda.send(
          new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 }),
        );
        lambda.destroy();
      };
    },
  },
];

async function alarm(w: DoctorWorld, name: string): Promise<MetricAlarm> {
  const found = (await w.world.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] })))
    .MetricAlarms?.[0];
  if (found === undefined) throw new Error(`no alarm ${name} in the world`);
  return found;
}

async function putAlarm(w: DoctorWorld, a: MetricAlarm, actions: string[]): Promise<void> {
  await w.world.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: a.AlarmName,
      Namespace: a.Namespace,
      MetricName: a.MetricName,
      Statistic: a.Statistic,
      Period: a.Period,
      EvaluationPeriods: a.EvaluationPeriods,
      Threshold: a.Threshold,
      ComparisonOperator: a.ComparisonOperator,
      AlarmActions: actions,
      OKActions: a.OKActions,
    }),
  );
}

const lines = (results: readonly CheckResult[]) => results.map(renderResultLine).join("\n");

describe.skipIf(!hasMoto)("autopilot doctor on the sandbox world", () => {
  let w: DoctorWorld;

  beforeAll(async () => {
    w = await startDoctorWorld();
  }, 180_000);

  afterAll(async () => {
    await w?.stop();
  });

  it("passes every check of a world that matches the stage file, and changes nothing in it", async () => {
    const before = await (await fetch(`${w.moto.url}/moto-api/data.json`)).text();
    const results = await runDoctor(w.config, w.clients, new Date());
    const after = await (await fetch(`${w.moto.url}/moto-api/data.json`)).text();
    console.log(`doctor on the sandbox world:\n${lines(results)}`);
    expect(
      results.filter((r) => r.status !== "PASS"),
      lines(results),
    ).toEqual([]);
    const checks = new Set(results.map((r) => r.check));
    for (const check of MISCONFIGURATIONS.map((m) => m.check)) expect(checks).toContain(check);
    expect(doctorExitCode(results)).toBe(0);
    expect(after === before, "moto's state dump is byte-identical after doctor").toBe(true);
  });

  it.each(MISCONFIGURATIONS.map((m) => [m.name, m] as const))(
    "catches %s with exactly the check that names it, and a fix",
    async (_name, m) => {
      const config = structuredClone(w.config);
      m.config?.(config);
      const repair = m.break ? await m.break(w) : undefined;
      try {
        const results = await runDoctor(config, w.clients, new Date());
        const flagged = results.filter((r) => r.status !== "PASS");
        console.log(`doctor, ${m.name}:\n${lines(flagged)}`);
        expect(
          flagged.map((r) => `${r.status} ${r.check}`),
          lines(results),
        ).toEqual([`FAIL ${m.check}`]);
        expect(flagged[0]?.detail).toMatch(m.says);
        expect(flagged[0]?.fix?.length ?? 0).toBeGreaterThan(10);
        expect(renderResultLine(flagged[0] as CheckResult)).toContain("-> fix: ");
        expect(doctorExitCode(results)).toBe(2);
      } finally {
        await repair?.();
      }
    },
    60_000,
  );

  it("runs as `autopilot --local doctor --json` against a sandbox session, exit 0; a bad stage file is exit 2", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "doctor-session-"));
    try {
      const configFile = path.join(dir, "sandbox.yml");
      writeFileSync(configFile, w.configText);
      const session = path.join(dir, "session.json");
      // Every AWS call through the stand-in: it answers DescribeInstanceInformation and forwards the rest.
      writeFileSync(
        session,
        JSON.stringify({
          motoUrl: w.standIn.url,
          slackApiUrl: w.slack.apiUrl,
          configFile,
          region: "eu-west-1",
        }),
      );
      const run = await autopilot(["doctor", "--session", session, "--json"]);
      // stderr may carry the SDK's Node-version warning; the report is stdout.
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as { exitCode: number; results: CheckResult[] };
      expect(run.code).toBe(0);
      expect(report.exitCode).toBe(0);
      expect(report.results.length).toBeGreaterThan(10);

      writeFileSync(configFile, "stage: sandbox\nregion: nowhere\n");
      const bad = await autopilot(["doctor", "--session", session]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/region/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
