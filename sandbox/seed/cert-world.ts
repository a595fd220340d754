import { type ACMClient, ImportCertificateCommand } from "@aws-sdk/client-acm";
import type { EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import { seedTwoZoneNetwork } from "./network";

export interface PemCertificate {
  certificate: string;
  privateKey: string;
}

/** Imports a PEM certificate and key into ACM (optionally tagged); returns the ARN. */
export async function importCertificate(
  acm: ACMClient,
  pem: PemCertificate,
  tags: Record<string, string> = {},
): Promise<string> {
  const out = await acm.send(
    new ImportCertificateCommand({
      Certificate: Buffer.from(pem.certificate),
      PrivateKey: Buffer.from(pem.privateKey),
      ...(Object.keys(tags).length > 0
        ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }
        : {}),
    }),
  );
  if (!out.CertificateArn) throw new Error("ImportCertificate returned no ARN");
  return out.CertificateArn;
}

export interface SeededBalancer {
  name: string;
  arn: string;
  dnsName: string;
  canonicalHostedZoneId: string;
  listenerArn: string;
}

export interface SeededPair {
  hostedZoneId: string;
  recordName: string;
  balancers: Record<string, SeededBalancer>;
}

/**
 * Two ALBs on the same target group, tagged with the pair tag and a DeploymentColor, each with an HTTPS
 * listener whose default certificate is given; and a hosted zone whose alias A record (dualstack style)
 * points at the green one. Shared by the integration tests and the local sandbox.
 */
export async function seedCertPair(
  clients: { ec2: EC2Client; elbv2: ElasticLoadBalancingV2Client; route53: Route53Client },
  spec: {
    zoneName: string;
    recordName: string;
    pairTag: { key: string; value: string };
    port?: number;
    balancers: { name: string; color: string; certificateArn: string }[];
    dnsOn: string;
    /** Put the record in this existing zone instead of creating one named zoneName. */
    hostedZoneId?: string;
  },
): Promise<SeededPair> {
  const { ec2, elbv2, route53 } = clients;
  const { vpcId, subnets } = await seedTwoZoneNetwork(ec2, 20);
  const group = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: `${spec.pairTag.value}-devices`.slice(0, 32),
      Protocol: "HTTP",
      Port: 8080,
      VpcId: vpcId,
    }),
  );
  const targetGroupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? "";
  const balancers: Record<string, SeededBalancer> = {};
  for (const b of spec.balancers) {
    const created = await elbv2.send(
      new CreateLoadBalancerCommand({
        Name: b.name,
        Subnets: subnets,
        Type: "application",
        Tags: [
          { Key: spec.pairTag.key, Value: spec.pairTag.value },
          { Key: "DeploymentColor", Value: b.color },
        ],
      }),
    );
    const lb = created.LoadBalancers?.[0];
    const listener = await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb?.LoadBalancerArn,
        Protocol: "HTTPS",
        Port: spec.port ?? 443,
        Certificates: [{ CertificateArn: b.certificateArn }],
        DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
      }),
    );
    balancers[b.name] = {
      name: b.name,
      arn: lb?.LoadBalancerArn ?? "",
      dnsName: lb?.DNSName ?? "",
      canonicalHostedZoneId: lb?.CanonicalHostedZoneId ?? "",
      listenerArn: listener.Listeners?.[0]?.ListenerArn ?? "",
    };
  }
  const hostedZoneId = spec.hostedZoneId ?? (await createZone(route53, spec.zoneName));
  const green = balancers[spec.dnsOn];
  if (green === undefined) throw new Error(`dnsOn names no seeded load balancer: ${spec.dnsOn}`);
  await pointAlias(route53, hostedZoneId, spec.recordName, green);
  return { hostedZoneId, recordName: spec.recordName, balancers };
}

async function createZone(route53: Route53Client, zoneName: string): Promise<string> {
  const zone = await route53.send(
    new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `cert-world-${zoneName}-${Date.now()}` }),
  );
  return (zone.HostedZone?.Id ?? "").replace("/hostedzone/", "");
}

/** UPSERTs the alias A record the way the console writes it (dualstack. prefix, target health on). */
export async function pointAlias(
  route53: Route53Client,
  hostedZoneId: string,
  recordName: string,
  balancer: SeededBalancer,
): Promise<void> {
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: "UPSERT",
            ResourceRecordSet: {
              Name: recordName,
              Type: "A",
              AliasTarget: {
                HostedZoneId: balancer.canonicalHostedZoneId,
                DNSName: `dualstack.${balancer.dnsName}`,
                EvaluateTargetHealth: true,
              },
            },
          },
        ],
      },
    }),
  );
}
