import {
  DescribeListenerCertificatesCommand,
  DescribeTagsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { z } from "zod";
import type { Decision } from "../../../shared/kernel/domain/decision";
import { importCertificate, type SeededBalancer } from "../../seed/cert-world";
import { createTestCertificate } from "../../seed/test-certificates";
import { importCertificateEvent } from "../events";
import type { World } from "../world-types";
import { check, defineScene } from "./scene";

const params = z.strictObject({
  after: z.number().int().min(0).max(600).default(3),
  /** Validity of the imported certificate, in days from now. */
  validDays: z.number().int().min(21).max(825).default(90),
});

/**
 * A renewed certificate is imported into ACM: the rotation puts it on the idle (blue) ALB's HTTPS
 * listener, swaps the DeploymentColor tags and points DNS at the new green ALB, read back in moto.
 */
export const certRotation = defineScene({
  name: "cert-rotation",
  params,
  expectation: () =>
    "a newer certificate imported into ACM lands on the idle ALB, the colours swap and DNS follows the new green",
  minutes: () => 1,
  async run(world, p) {
    const scene = "cert-rotation";
    const pair = world.seeded.certPair;
    const spec = world.config.certRotation?.pairs.find((x) => x.name === pair?.pairName);
    if (pair === undefined || spec === undefined) throw new Error("the stage file has no certRotation pair");
    const [green, blue] = [pair.balancers[`${pair.pairName}-a`], pair.balancers[`${pair.pairName}-b`]];
    if (green === undefined || blue === undefined) throw new Error("the seeded pair lost a balancer");
    const bare = (name: string) => name.replace(/\.$/, "");
    const domains = (spec.certificates.domains ?? [spec.record.name]).map(bare);
    const renewed = createTestCertificate({
      commonName: domains[0] ?? spec.record.name,
      subjectAlternativeNames: domains,
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + p.validDays * 86_400_000),
      keyType: "EC_prime256v1",
    });
    const arn = await importCertificate(world.clients.acm, renewed);
    world.recorder.note(
      `certificate imported into ACM: ${arn.split("/").at(-1)} (${domains.join(", ")}, ${p.validDays} days)`,
    );
    const [decision] = await world.recorder.invoke<Decision>(scene, () =>
      world.handlers.certRotation(importCertificateEvent(arn, world.clock.now)),
    );
    await world.clock.advance(1);

    const [greenNow, blueNow] = [await observe(world, green), await observe(world, blue)];
    const records = await world.clients.route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: pair.hostedZoneId }),
    );
    const alias = records.ResourceRecordSets?.find(
      (r) => r.Name === `${bare(spec.record.name)}.` && r.Type === "A",
    )?.AliasTarget?.DNSName;
    const posts = world.recorder.entries.filter((e) => e.scene === scene && e.slackText !== undefined);
    return [
      check(
        "the rotation applied",
        decision?.outcome === "applied",
        `${decision?.rule ?? "no decision"} ${decision?.outcome ?? ""}: ${decision?.headline ?? ""}`,
      ),
      check(
        "the idle ALB's HTTPS listener serves the new certificate",
        blueNow.certificate === arn,
        `${blue.name}: ${blueNow.certificate ?? "none"}`,
      ),
      check(
        "the colours swapped: the idle ALB is green, the old one blue",
        blueNow.color === "green" && greenNow.color === "blue",
        `${blue.name} ${blueNow.color}, ${green.name} ${greenNow.color}`,
      ),
      check(
        "DNS points at the new green ALB",
        bare(alias?.toLowerCase() ?? "") === `dualstack.${bare(blue.dnsName.toLowerCase())}`,
        `${spec.record.name} -> ${alias ?? "no alias"}`,
      ),
      check(
        "the rotation was posted to Slack",
        posts.some((e) => /rotated/.test(e.slackText ?? "")),
        posts.map((e) => e.slackText).join(" | ") || "no post",
      ),
    ];
  },
});

async function observe(world: World, balancer: SeededBalancer) {
  const tags = await world.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [balancer.arn] }));
  const certs = await world.clients.elbv2.send(
    new DescribeListenerCertificatesCommand({ ListenerArn: balancer.listenerArn }),
  );
  return {
    color: tags.TagDescriptions?.[0]?.Tags?.find((t) => t.Key === "DeploymentColor")?.Value,
    certificate: certs.Certificates?.find((c) => c.IsDefault)?.CertificateArn,
  };
}
