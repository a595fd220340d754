import {
  ACMClient,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-acm";
import {
  AddTagsCommand,
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createAcmCertificates } from "../../../shared/adapters/aws/acm-certificates";
import { createElbv2LoadBalancers } from "../../../shared/adapters/aws/elbv2-load-balancers";
import { createRoute53AliasPointer } from "../../../shared/adapters/aws/route53-alias-pointer";

const elb = mockClient(ElasticLoadBalancingV2Client);
const acm = mockClient(ACMClient);
const r53 = mockClient(Route53Client);
afterEach(() => {
  elb.reset();
  acm.reset();
  r53.reset();
});
const deadline = () => new Date(Date.now() + 10_000);
const lbArn = (i: number) =>
  `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/lb-${i}/${i}`;
const CERT = (id: string) => `arn:aws:acm:eu-west-1:123456789012:certificate/${id}`;

describe("the ELBv2 load balancers adapter", () => {
  it("finds the pair by tag, asking DescribeTags for at most 20 ARNs at a time and skipping network load balancers", async () => {
    const balancers = Array.from({ length: 45 }, (_, i) => ({
      LoadBalancerArn: lbArn(i),
      LoadBalancerName: `lb-${i}`,
      DNSName: `lb-${i}.elb.amazonaws.com`,
      CanonicalHostedZoneId: "Z32O12XQLNTSW2",
      Type: i === 7 ? ("network" as const) : ("application" as const),
    }));
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: balancers });
    elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({
      TagDescriptions: input.ResourceArns.map((arn) => ({
        ResourceArn: arn,
        Tags: [
          {
            Key: "Pair",
            Value: arn.endsWith("/3") || arn.endsWith("/40") || arn.endsWith("/7") ? "iot" : "web",
          },
        ],
      })),
    }));
    const found = await createElbv2LoadBalancers(new ElasticLoadBalancingV2Client({}), {
      deadline,
    }).findByTag({ key: "Pair", value: "iot" });
    expect(found.map((b) => b.name)).toEqual(["lb-3", "lb-40"]);
    const batches = elb.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input.ResourceArns?.length);
    expect(batches).toEqual([20, 20, 4]);
  });

  it("reads the default certificate from DescribeListenerCertificates and keeps SNI certificates apart", async () => {
    elb.on(DescribeListenersCommand).resolves({
      Listeners: [
        { ListenerArn: "l-80", Port: 80, Protocol: "HTTP" },
        {
          ListenerArn: "l-443",
          Port: 443,
          Protocol: "HTTPS",
          Certificates: [{ CertificateArn: CERT("default") }],
        },
      ],
    });
    elb.on(DescribeListenerCertificatesCommand).resolves({
      Certificates: [
        { CertificateArn: CERT("default"), IsDefault: true },
        { CertificateArn: CERT("default"), IsDefault: false },
        { CertificateArn: CERT("sni"), IsDefault: false },
      ],
    });
    const listener = await createElbv2LoadBalancers(new ElasticLoadBalancingV2Client({}), {
      deadline,
    }).listener(lbArn(1), 443);
    expect(listener).toEqual({
      arn: "l-443",
      port: 443,
      protocol: "HTTPS",
      defaultCertificateArn: CERT("default"),
      sniCertificateArns: [CERT("sni")],
    });
  });

  it("replaces the default certificate with exactly one certificate and writes exactly one tag", async () => {
    elb.on(ModifyListenerCommand).resolves({});
    elb.on(AddTagsCommand).resolves({});
    const adapter = createElbv2LoadBalancers(new ElasticLoadBalancingV2Client({}), { deadline });
    await adapter.setDefaultCertificate("l-443", CERT("next"));
    await adapter.setTag(lbArn(1), "DeploymentColor", "green");
    expect(elb.commandCalls(ModifyListenerCommand)[0]?.args[0].input).toEqual({
      ListenerArn: "l-443",
      Certificates: [{ CertificateArn: CERT("next") }],
    });
    expect(elb.commandCalls(AddTagsCommand)[0]?.args[0].input).toEqual({
      ResourceArns: [lbArn(1)],
      Tags: [{ Key: "DeploymentColor", Value: "green" }],
    });
  });
});

describe("the ACM certificates adapter", () => {
  it("asks ListCertificates for every key type and keeps summary names only when complete", async () => {
    acm.on(ListCertificatesCommand).resolves({
      CertificateSummaryList: [
        {
          CertificateArn: CERT("a"),
          DomainName: "a.example.com",
          SubjectAlternativeNameSummaries: ["a.example.com", "*.a.example.com"],
          HasAdditionalSubjectAlternativeNames: false,
          Status: "ISSUED",
        },
        {
          CertificateArn: CERT("b"),
          DomainName: "b.example.com",
          SubjectAlternativeNameSummaries: ["b.example.com"],
          HasAdditionalSubjectAlternativeNames: true,
          Status: "ISSUED",
        },
      ],
    });
    const list = await createAcmCertificates(new ACMClient({}), { deadline }).list([
      "RSA_2048",
      "EC_prime256v1",
    ]);
    expect(acm.commandCalls(ListCertificatesCommand)[0]?.args[0].input.Includes).toEqual({
      keyTypes: ["RSA_2048", "EC_prime256v1"],
    });
    expect(list).toEqual([
      {
        arn: CERT("a"),
        domainName: "a.example.com",
        names: ["a.example.com", "*.a.example.com"],
        status: "ISSUED",
      },
      { arn: CERT("b"), domainName: "b.example.com", status: "ISSUED" },
    ]);
  });

  it("describes a certificate with its tags, and returns nothing for a deleted one or an IAM certificate", async () => {
    acm.on(DescribeCertificateCommand, { CertificateArn: CERT("a") }).resolves({
      Certificate: {
        CertificateArn: CERT("a"),
        DomainName: "A.example.com",
        SubjectAlternativeNames: ["a.example.com", "*.a.example.com"],
        Status: "ISSUED",
        Type: "IMPORTED",
        KeyAlgorithm: "EC_prime256v1",
        NotBefore: new Date("2026-10-01T00:00:00Z"),
        NotAfter: new Date("2027-01-01T00:00:00Z"),
      },
    });
    acm
      .on(DescribeCertificateCommand, { CertificateArn: CERT("gone") })
      .rejects(new ResourceNotFoundException({ message: "not found", $metadata: {} }));
    acm.on(ListTagsForCertificateCommand).resolves({ Tags: [{ Key: "rotation", Value: "iot" }] });
    const adapter = createAcmCertificates(new ACMClient({}), { deadline });
    expect(await adapter.describe(CERT("a"))).toEqual({
      arn: CERT("a"),
      domainName: "A.example.com",
      names: ["a.example.com", "*.a.example.com"],
      status: "ISSUED",
      type: "IMPORTED",
      keyAlgorithm: "EC_prime256v1",
      notBefore: "2026-10-01T00:00:00.000Z",
      notAfter: "2027-01-01T00:00:00.000Z",
      tags: { rotation: "iot" },
    });
    expect((await adapter.describe(CERT("a"), { tags: false }))?.tags).toEqual({});
    expect(acm.commandCalls(ListTagsForCertificateCommand)).toHaveLength(1);
    expect(await adapter.describe(CERT("gone"))).toBeUndefined();
    expect(await adapter.describe("arn:aws:iam::123456789012:server-certificate/x")).toBeUndefined();
  });
});

describe("the Route 53 alias pointer adapter", () => {
  const ref = { hostedZoneId: "Z1", name: "devices.example.com.", types: ["A", "AAAA"] as ("A" | "AAAA")[] };

  it("reads alias records without the TTL moto reports for them, stopping at the next name", async () => {
    r53.on(ListResourceRecordSetsCommand).resolves({
      IsTruncated: true,
      NextRecordName: "zzz.example.com.",
      ResourceRecordSets: [
        {
          Name: "devices.example.com.",
          Type: "A",
          TTL: 0,
          AliasTarget: {
            HostedZoneId: "Z32O",
            DNSName: "dualstack.iot-a.elb.amazonaws.com.",
            EvaluateTargetHealth: true,
          },
        },
        { Name: "devices.example.com.", Type: "TXT", TTL: 300, ResourceRecords: [{ Value: '"x"' }] },
        { Name: "other.example.com.", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }] },
      ],
    });
    const records = await createRoute53AliasPointer(new Route53Client({}), { deadline }).read(ref);
    expect(records).toEqual([
      {
        type: "A",
        alias: {
          hostedZoneId: "Z32O",
          dnsName: "dualstack.iot-a.elb.amazonaws.com.",
          evaluateTargetHealth: true,
        },
      },
    ]);
    expect(r53.commandCalls(ListResourceRecordSetsCommand)).toHaveLength(1);
  });

  it("refuses a record with a routing policy instead of rewriting half of it", async () => {
    r53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: "devices.example.com.",
          Type: "A",
          SetIdentifier: "eu",
          Weight: 10,
          AliasTarget: { HostedZoneId: "Z", DNSName: "x.", EvaluateTargetHealth: false },
        },
      ],
    });
    await expect(createRoute53AliasPointer(new Route53Client({}), { deadline }).read(ref)).rejects.toThrow(
      /routing policy/,
    );
  });

  it("UPSERTs every record in one batch, aliases without a TTL", async () => {
    r53
      .on(ChangeResourceRecordSetsCommand)
      .resolves({ ChangeInfo: { Id: "/change/C1", Status: "PENDING", SubmittedAt: new Date() } });
    const out = await createRoute53AliasPointer(new Route53Client({}), { deadline }).upsert(
      ref,
      [
        {
          type: "A",
          alias: {
            hostedZoneId: "Z32O",
            dnsName: "dualstack.iot-b.elb.amazonaws.com",
            evaluateTargetHealth: true,
          },
        },
        {
          type: "AAAA",
          alias: {
            hostedZoneId: "Z32O",
            dnsName: "dualstack.iot-b.elb.amazonaws.com",
            evaluateTargetHealth: true,
          },
        },
      ],
      "rotation",
    );
    expect(out).toEqual({ changeId: "/change/C1", status: "PENDING" });
    const batch = r53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch;
    expect(
      batch?.Changes?.map((c) => [c.Action, c.ResourceRecordSet?.Type, c.ResourceRecordSet?.TTL]),
    ).toEqual([
      ["UPSERT", "A", undefined],
      ["UPSERT", "AAAA", undefined],
    ]);
  });
});
