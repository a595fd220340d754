/**
 * Creates the AWS side of config/sandbox.yml in moto: the hosted zone with the pools' weighted records,
 * the certificate pair behind its alias record, the canary's ALB rule and gate alarms, the alarm topic
 * and the flow-control alarms, and the Slack token parameter. Returns the stage file rewritten with the
 * ids moto assigned (placeholders in the file: Z0SANDBOX0001 and the canary's ARNs).
 */
import { PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { parseDocument } from "yaml";
import { parseStageConfig, type StageConfig } from "../../shared/config/stage-config";
import { seedWeightedRecords } from "../seed/balancer-world";
import { putGateAlarms, seedCanaryWorld, setAlarmState } from "../seed/canary-world";
import { importCertificate, seedCertPair } from "../seed/cert-world";
import { createTestCertificate } from "../seed/test-certificates";
import type { Seeded, WorldClients } from "./world-types";

/** The sandbox Slack app's signing secret: the sink signs its interactivity requests with it. */
export const SANDBOX_SIGNING_SECRET = "sandbox-signing-secret-0123456789abcdef";

const ZONE_PLACEHOLDER = "Z0SANDBOX0001";
const DAY = 86_400_000;

export async function seedFromConfig(
  clients: WorldClients,
  motoUrl: string,
  configText: string,
  configFile: string,
): Promise<{ seeded: Seeded; configText: string; config: StageConfig }> {
  const draft = parseStageConfig(configText, configFile);
  // Not awaited yet: moto loads its SSM backend on the first call (seconds), meanwhile the rest seeds.
  const token = clients.ssm.send(
    // Overwrite: moto loads its SSM backend on the first call, slowly enough for the SDK to retry it.
    new PutParameterCommand({
      Name: draft.slack.tokenParameter,
      Value: "xoxb-sandbox",
      Type: "SecureString",
      Overwrite: true,
    }),
  );
  // Awaited below; this only keeps an early failure elsewhere from leaving it an unhandled rejection.
  token.catch(() => undefined);
  // The Slack app's signing secret (slack-chatops), after the token: SSM is loaded by then.
  const chatops = draft.slackChatops;
  const signingSecret = chatops
    ? token.then(() =>
        clients.ssm.send(
          new PutParameterCommand({
            Name: chatops.signingSecretParameter,
            Value: SANDBOX_SIGNING_SECRET,
            Type: "SecureString",
            Overwrite: true,
          }),
        ),
      )
    : token;
  signingSecret.catch(() => undefined);
  const pool = draft.originBalancer?.pools[0];
  const zoneName = (pool?.record.name ?? "origin.sandbox.example.com")
    .replace(/\.$/, "")
    .split(".")
    .slice(1)
    .join(".");
  const { hostedZoneId } = await seedWeightedRecords(
    clients.route53,
    zoneName,
    pool?.record.name ?? `origin.${zoneName}`,
    (pool?.origins ?? []).map((origin, index) => ({
      setIdentifier: origin.setIdentifier,
      // Everything on the cheapest origin, the others warm: the usual quiet evening.
      weight: index === 0 ? 254 : 1,
      value: `${origin.setIdentifier}.origins.example.net`,
      ttl: 60,
      withHealthCheck: index === 0,
    })),
  );
  const seeded: Seeded = { hostedZoneId };
  const document = parseDocument(configText.replaceAll(ZONE_PLACEHOLDER, hostedZoneId));

  const pair = draft.certRotation?.pairs[0];
  if (pair !== undefined) {
    // The stage schema keeps names fully qualified (trailing dot); certificates name hosts without it.
    const domains = (pair.certificates.domains ?? [pair.record.name]).map((d) => d.replace(/\.$/, ""));
    const now = Date.now();
    const cert = (fromDays: number, toDays: number) =>
      createTestCertificate({
        commonName: domains[0] ?? "sandbox.example.com",
        subjectAlternativeNames: domains,
        notBefore: new Date(now + fromDays * DAY),
        notAfter: new Date(now + toDays * DAY),
      });
    const serving = await importCertificate(clients.acm, cert(-30, 20));
    const idle = await importCertificate(clients.acm, cert(-60, 10));
    const seededPair = await seedCertPair(clients, {
      zoneName,
      hostedZoneId,
      recordName: pair.record.name,
      pairTag: pair.pairTag,
      balancers: [
        { name: `${pair.name}-a`, color: "green", certificateArn: serving },
        { name: `${pair.name}-b`, color: "blue", certificateArn: idle },
      ],
      dnsOn: `${pair.name}-a`,
    });
    seeded.certPair = { ...seededPair, pairName: pair.name, servingCertificateArn: serving };
  }

  const canary = draft.canary?.canaries[0];
  if (canary !== undefined) {
    const world = await seedCanaryWorld(clients.elbv2, clients.ec2, {
      name: canary.name,
      stableTargets: 3,
      canaryTargets: Math.max(3, canary.minHealthyTargets),
      stickinessSeconds: canary.stickinessSeconds || 86_400,
    });
    const [errors = `${canary.name}-5xx`, latency = `${canary.name}-latency`] = canary.gateAlarms;
    await putGateAlarms(clients.cloudwatch, world, { errors, latency });
    // moto starts new alarms in OK (AWS: INSUFFICIENT_DATA): say which state we mean.
    for (const name of [errors, latency]) await setAlarmState(clients.cloudwatch, name, "OK", "quiet");
    const index = ["canary", "canaries", 0];
    document.setIn([...index, "listenerRuleArn"], world.ruleArn);
    document.setIn([...index, "stableTargetGroupArn"], world.stableTargetGroupArn);
    document.setIn([...index, "canaryTargetGroupArn"], world.canaryTargetGroupArn);
    seeded.canary = { ...world, name: canary.name };
  }

  const flow = draft.flowControl;
  if (flow !== undefined) {
    const topicArn = flow.alarmTopicArns[0];
    if (topicArn !== undefined) seeded.alarmTopicArn = await createTopic(motoUrl, topicArn);
    for (const fleet of flow.fleets) {
      for (const alarm of fleet.alarms) {
        await clients.cloudwatch.send(
          new PutMetricAlarmCommand({
            AlarmName: alarm.alarmName,
            Namespace: "AWS/EC2",
            MetricName: "CPUUtilization",
            Statistic: "Average",
            Period: 60,
            EvaluationPeriods: 3,
            Threshold: alarm.onAlarm?.mode === "open" ? 40 : 80,
            ComparisonOperator: alarm.onAlarm?.mode === "open" ? "LessThanThreshold" : "GreaterThanThreshold",
            AlarmActions: topicArn ? [topicArn] : [],
            OKActions: topicArn ? [topicArn] : [],
          }),
        );
        await setAlarmState(clients.cloudwatch, alarm.alarmName, "OK", "quiet");
      }
    }
    // The sandbox clock is accelerated: poll Run Command results every 100 ms, not every 2 s.
    document.setIn(["flowControl", "commands", "pollIntervalMs"], 100);
  }

  await token;
  await signingSecret;
  const text = document.toString();
  return { seeded, configText: text, config: parseStageConfig(text, configFile) };
}

/**
 * CreateTopic through moto's SNS query API (no SNS SDK client in this project: the functions never
 * call SNS, they are its subscribers). Returns the topic ARN moto assigned, which must be the stage's.
 */
async function createTopic(motoUrl: string, topicArn: string): Promise<string> {
  const name = topicArn.split(":").at(-1) ?? "";
  const response = await fetch(`${motoUrl}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "AWS4-HMAC-SHA256 Credential=sandbox/20260101/eu-west-1/sns/aws4_request",
    },
    body: new URLSearchParams({ Action: "CreateTopic", Name: name, Version: "2010-03-31" }),
  });
  const text = await response.text();
  const arn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(text)?.[1];
  if (!response.ok || arn === undefined)
    throw new Error(`moto CreateTopic ${name} failed: ${text.slice(0, 300)}`);
  if (arn !== topicArn) throw new Error(`moto created ${arn}, but the stage file names ${topicArn}`);
  return arn;
}
