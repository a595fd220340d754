import { EC2Client } from "@aws-sdk/client-ec2";
import { DescribeListenerCertificatesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { createHandler } from "../../functions/cert-rotation/handler";
import { importCertificate, seedCertPair } from "../../sandbox/seed/cert-world";
import { createAcmClient } from "../../shared/adapters/aws/clients/acm";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { parseStageConfig } from "../../shared/config/stage-config";
import { createTestCertificate } from "./certificates";
import { eventFixture, scheduledEvent } from "./events";
import type { FaultWorld } from "./fault-setup";
import { certRotationRuntime, handlerFor, testColdStart } from "./runtimes";

export { scheduledEvent };

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
  const run = async (event: unknown, budgetMs = 30_000) => {
    const runtime = certRotationRuntime({
      base: testColdStart({ stage: config, ssm: world.viaProxy(), slack: world.slackClient() }),
      aws: world.viaProxy(),
      deadlineMs: budgetMs,
      pollIntervalMs: 50,
    });
    const [decision] = await handlerFor(createHandler, runtime)(event);
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
  const event = { ...eventFixture("eventbridge/acm-certificate-available"), resources: [next] };
  return { run, served, event, next, config };
}
