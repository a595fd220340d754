import { EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler } from "../../../functions/cert-rotation/handler";
import { importCertificate, seedCertPair } from "../../../sandbox/seed/cert-world";
import { createAcmClient } from "../../../shared/adapters/aws/clients/acm";
import { createElbv2Client } from "../../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../../shared/adapters/aws/clients/route53";
import { createSsmStateStore } from "../../../shared/adapters/aws/ssm-state-store";
import { createTestCertificate } from "../../support/certificates";
import { motoOrSkip } from "../../support/moto";
import { snapshotDifferences, snapshotMoto } from "../../support/moto-state";
import { certRotationRuntime, handlerFor } from "../../support/runtimes";
import { hostileCertificateEvents, hostileScheduleEvents } from "./eventbridge-cases";
import {
  capturingStdout,
  expectWorldUnchanged,
  type FuzzServers,
  fixture,
  PREFIX,
  startFuzzServers,
  takeBefore,
  type WorldBefore,
} from "./fuzz-world";
import { assertHarmless, expectPrototypesClean, RUNS, Tally } from "./verdict";

const hasMoto = motoOrSkip();
const DAY = 86_400_000;
const HOST = "devices.fz.example.com";
// Listeners and colour tags (ELBv2), the alias record (Route 53), certificates (ACM), state and plans (SSM).
const SERVICES = ["elbv2", "route53", "acm", "ssm"];

describe.skipIf(!hasMoto)(
  "certificate rotation on hostile ACM, CloudTrail and schedule events, against a seeded moto",
  () => {
    let servers: FuzzServers;
    let before: WorldBefore;
    let handler: (event: unknown) => Promise<unknown>;
    let newest: string;
    const stdout: string[] = [];
    const tallies = { certificate: new Tally(), schedule: new Tally() };

    beforeAll(async () => {
      servers = await startFuzzServers();
      const acm = createAcmClient(servers.options);
      const elbv2 = createElbv2Client(servers.options);
      const route53 = createRoute53Client(servers.options);
      const now = Date.now();
      const certificate = (fromDays: number, toDays: number) =>
        importCertificate(
          acm,
          createTestCertificate({
            commonName: HOST,
            subjectAlternativeNames: [HOST, `*.${HOST}`],
            notBefore: new Date(now + fromDays * DAY),
            notAfter: new Date(now + toDays * DAY),
          }),
        );
      // The world the rotation integration test seeds, plus a newer certificate nobody installed yet: any
      // trigger the handler accepted WOULD rotate (new cert on the idle ALB, tags swap, DNS moves).
      const serving = await certificate(-30, 20);
      const idle = await certificate(-60, 10);
      newest = await certificate(-1, 90);
      const pair = await seedCertPair(
        { ec2: new EC2Client(servers.options), elbv2, route53 },
        {
          zoneName: "fz.example.com",
          recordName: HOST,
          pairTag: { key: "Pair", value: "fz" },
          balancers: [
            { name: "fz-a", color: "green", certificateArn: serving },
            { name: "fz-b", color: "blue", certificateArn: idle },
          ],
          dnsOn: "fz-a",
        },
      );
      const base = servers.base(`
stage: test
region: eu-west-1
parameterPrefix: ${PREFIX}
slack: { channel: "#certs", tokenParameter: ${PREFIX}/slack-token }
certRotation:
  pairs:
    - name: fz
      pairTag: { key: Pair, value: fz }
      record: { hostedZoneId: ${pair.hostedZoneId}, name: ${HOST}, types: [A] }
      certificates: { domains: [${HOST}, "*.${HOST}"] }
`);
      handler = handlerFor(
        createHandler,
        certRotationRuntime({ base, aws: servers.options, deadlineMs: 30_000, pollIntervalMs: 50 }),
      );
      // SSM must exist in moto's dump before the snapshot: reading the (absent) state initialises it.
      await createSsmStateStore(base.ssm, PREFIX).load("cert-rotation/fz/never-written");
      before = await takeBefore(servers, SERVICES);
    });

    afterAll(async () => {
      await servers?.stop();
    });

    const acmFixtures = [
      "eventbridge/acm-certificate-available.json",
      "eventbridge/acm-certificate-approaching-expiration.json",
    ].map(fixture);
    const cloudTrail = fixture("eventbridge/cloudtrail-import-certificate.json");

    it(`rejects or ignores ${RUNS} mutated ACM events and CloudTrail import records, and random JSON`, async () => {
      stdout.push(
        ...(await capturingStdout(() =>
          assertHarmless(hostileCertificateEvents({ acm: acmFixtures, cloudTrail }), handler, {
            tally: tallies.certificate,
          }),
        )),
      );
      console.info(
        `cert-rotation ACM/CloudTrail: ${tallies.certificate.total()} inputs: ${tallies.certificate}`,
      );
      expect(tallies.certificate.total()).toBeGreaterThanOrEqual(RUNS);
      expect(tallies.certificate.counts.get("ignored") ?? 0).toBeGreaterThan(0);
    });

    it(`rejects ${RUNS} mutated schedule events and random JSON`, async () => {
      stdout.push(
        ...(await capturingStdout(() =>
          assertHarmless(hostileScheduleEvents(fixture("eventbridge/scheduled-event.json")), handler, {
            tally: tallies.schedule,
          }),
        )),
      );
      console.info(`cert-rotation schedule: ${tallies.schedule.total()} inputs: ${tallies.schedule}`);
      expect(tallies.schedule.total()).toBeGreaterThanOrEqual(RUNS);
    });

    it("left moto byte-for-byte as it was, and no prototype polluted", async () => {
      const all = new Tally();
      for (const tally of Object.values(tallies))
        for (const [verdict, n] of tally.counts) all.counts.set(verdict, (all.counts.get(verdict) ?? 0) + n);
      await expectWorldUnchanged(servers, SERVICES, before, all, stdout);
      expectPrototypesClean();
    });

    it("is armed: the unmutated certificate event does rotate the pair and change moto", async () => {
      const event = { ...(acmFixtures[0] as object), resources: [newest] };
      const decisions = (await handler(event)) as { rule: string; outcome: string }[];
      expect(decisions.map((d) => [d.rule, d.outcome])).toEqual([["rotate", "applied"]]);
      const changed = snapshotDifferences(before.snapshot, await snapshotMoto(servers.moto.url, SERVICES));
      const models = changed.map((d) => d.split(" ")[0] ?? "");
      expect(models.some((m) => m.startsWith("elbv2."))).toBe(true);
      expect(models.some((m) => m.startsWith("route53."))).toBe(true);
    });
  },
);
