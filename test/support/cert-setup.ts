import { readFileSync } from "node:fs";
import path from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { DescribeListenerCertificatesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import type { Context } from "aws-lambda";
import type { CertRotationRuntime } from "../../functions/cert-rotation/deps";
import { createHandler } from "../../functions/cert-rotation/handler";
import { importCertificate, seedCertPair } from "../../sandbox/seed/cert-world";
import { createAcmCertificates } from "../../shared/adapters/aws/acm-certificates";
import {
  createAcmClient,
  createElbv2Client,
  createRoute53Client,
  createSsmClient,
} from "../../shared/adapters/aws/clients";
import { createElbv2LoadBalancers } from "../../shared/adapters/aws/elbv2-load-balancers";
import { createRoute53AliasPointer } from "../../shared/adapters/aws/route53-alias-pointer";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import { parseStageConfig } from "../../shared/config/stage-config";
import { createLogger } from "../../shared/runtime/logger";
import { createTestCertificate } from "./certificates";
import type { FaultWorld } from "./fault-setup";

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../fixtures/events/eventbridge/${name}.json`), "utf8"));
export const scheduledEvent = fixture("scheduled-event");
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const DAY = 86_400_000;
const start = Date.now();

const certificate = (host: string, fromDays: number, toDays: number) =>
  createTestCertificate({
    commonName: host,
    subjectAlternativeNames: [host, `*.${host}`],
    notBefore: new Date(start + fromDays * DAY),
    notAfter: new Date(start + toDays * DAY),
  });

/** A blue/green certificate pair of its own with a newer certificate waiting, and a handler through the proxies. */
export async function rotationPair(world: FaultWorld, id: string) {
  const host = `devices.${id}.example.com`;
  const acm = createAcmClient(world.direct());
  const elbv2 = createElbv2Client(world.direct());
  const route53 = createRoute53Client(world.direct());
  const serving = await importCertificate(acm, certificate(host, -30, 20));
  const idle = await importCertificate(acm, certificate(host, -60, 10));
  const seeded = await seedCertPair(
    { ec2: new EC2Client(world.direct()), elbv2, route53 },
    {
      zoneName: `${id}.example.com`,
      recordName: host,
      pairTag: { key: "Pair", value: id },
      balancers: [
        { name: `${id}-a`, color: "green", certificateArn: serving },
        { name: `${id}-b`, color: "blue", certificateArn: idle },
      ],
      dnsOn: `${id}-a`,
    },
  );
  const next = await importCertificate(acm, certificate(host, -1, 90));
  const config = parseStageConfig(
    `
stage: test
region: eu-west-1
parameterPrefix: /traffic-autopilot/test
slack: { channel: "#certs", tokenParameter: /traffic-autopilot/test/slack-token }
certRotation:
  pairs:
    - name: ${id}
      pairTag: { key: Pair, value: ${id} }
      record: { hostedZoneId: ${seeded.hostedZoneId}, name: ${host}, types: [A] }
      certificates: { domains: [${host}, "*.${host}"] }
`,
    "test.yml",
  );
  const rotation = config.certRotation;
  if (rotation === undefined) throw new Error("no certRotation section");
  const run = async (event: unknown, budgetMs = 30_000) => {
    const logger = createLogger({ write: () => undefined });
    const notifier = createSlackNotifier(world.slackClient(), "#certs", logger);
    const ssm = createSsmClient(world.viaProxy());
    const deadline = () => new Date(Date.now() + budgetMs);
    const runtime: CertRotationRuntime = {
      config: rotation,
      base: {
        env: { stage: "test", configFile: "test.yml", logLevel: "info" },
        config,
        logger,
        ssm,
        notifier,
      },
      deps: () => ({
        balancers: createElbv2LoadBalancers(createElbv2Client(world.viaProxy()), { deadline }),
        certificates: createAcmCertificates(createAcmClient(world.viaProxy()), { deadline }),
        dns: createRoute53AliasPointer(createRoute53Client(world.viaProxy()), {
          deadline,
          pollIntervalMs: 50,
        }),
        state: createSsmStateStore(ssm, config.parameterPrefix),
        overrides: createSsmOverrideStore(
          ssm,
          config.parameterPrefix,
          createSsmStateStore(ssm, config.parameterPrefix),
        ),
        notifier,
        logger,
        now: () => new Date(),
        deadline,
      }),
    };
    const [decision] = await createHandler(async () => runtime)(event, context);
    if (decision === undefined) throw new Error("no decision");
    return decision;
  };
  /** Where devices go: the DNS alias target, and the certificate on the new green ALB's listener. */
  const served = async () => {
    const records = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: seeded.hostedZoneId }),
    );
    const dns = records.ResourceRecordSets?.find((r) => r.Type === "A")?.AliasTarget?.DNSName ?? "";
    const b = seeded.balancers[`${id}-b`];
    const certs = await elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: b?.listenerArn }));
    return {
      dnsOnB: dns.includes(b?.dnsName.toLowerCase() ?? "?"),
      certificateOnB: certs.Certificates?.find((c) => c.IsDefault)?.CertificateArn,
    };
  };
  const event = { ...fixture("acm-certificate-available"), resources: [next] };
  return { run, served, event, next, config };
}
