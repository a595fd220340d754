import { type ArnContext, ownStateStatements, type PolicyStatement } from "../kernel/iam-statements";
import type { CertRotationConfig } from "./config";

/**
 * Least privilege for the certificate rotation: change the default certificate of the pairs' listeners
 * and the colour tag of the pairs' ALBs only; UPSERT only the configured records in their zones; read
 * ACM; its own state, plans and the Slack token.
 *
 * Pairs named by ALB name get ARN-scoped statements. Pairs found by tag only get tag conditions:
 * `elasticloadbalancing:ResourceTag/<pair tag>` is evaluated against the resource's OWN tags, so for
 * ModifyListener the HTTPS listeners must carry the pair tag too (CreateListener/AddTags on the
 * listener); a listener without it is denied, never silently allowed.
 */
export function policyStatements(
  config: CertRotationConfig,
  ctx: ArnContext,
  shared: { parameterPrefix: string; slackTokenParameter: string },
): PolicyStatement[] {
  const elb = `arn:${ctx.partition}:elasticloadbalancing:${ctx.region}:${ctx.accountId}`;
  const named = config.pairs.filter((p) => p.loadBalancerNames !== undefined);
  const tagged = config.pairs.filter((p) => p.loadBalancerNames === undefined);
  const names = unique(named.flatMap((p) => p.loadBalancerNames ?? []));
  const colorKeys = unique(config.pairs.map((p) => p.colorTagKey));
  const onlyColorTags = { "ForAllValues:StringEquals": { "aws:TagKeys": colorKeys } };
  const statements: PolicyStatement[] = [
    // ELBv2 Describe* calls support no resource-level permissions: AWS requires "*" for them. They only read.
    {
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
      ],
      Resource: "*",
    },
  ];
  if (names.length > 0) {
    statements.push(
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:ModifyListener"],
        Resource: names.map((n) => `${elb}:listener/app/${n}/*/*`),
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags"],
        Resource: names.map((n) => `${elb}:loadbalancer/app/${n}/*`),
        Condition: onlyColorTags,
      },
    );
  }
  // One statement per pair-tag key: several values under one key are alternatives (any pair's value).
  for (const [key, values] of groupBy(tagged.map((p) => [p.pairTag.key, p.pairTag.value]))) {
    const onPair = { StringEquals: { [`elasticloadbalancing:ResourceTag/${key}`]: values } };
    statements.push(
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:ModifyListener"],
        Resource: `${elb}:listener/app/*/*/*`,
        Condition: onPair,
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags"],
        Resource: `${elb}:loadbalancer/app/*/*`,
        Condition: { ...onPair, ...onlyColorTags },
      },
    );
  }
  // Per zone: UPSERT only, only our record names and types (Route 53's normalised names: lower case, no dot).
  for (const [zone, pairs] of groupBy(config.pairs.map((p) => [p.record.hostedZoneId, p]))) {
    const zoneArn = `arn:${ctx.partition}:route53:::hostedzone/${zone}`;
    statements.push(
      {
        Effect: "Allow",
        Action: ["route53:ChangeResourceRecordSets"],
        Resource: zoneArn,
        Condition: {
          "ForAllValues:StringEquals": {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": unique(
              pairs.map((p) => p.record.name.replace(/\.$/, "")),
            ),
            "route53:ChangeResourceRecordSetsRecordTypes": unique(pairs.flatMap((p) => p.record.types)),
            "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
          },
        },
      },
      { Effect: "Allow", Action: ["route53:ListResourceRecordSets"], Resource: zoneArn },
    );
  }
  statements.push(
    { Effect: "Allow", Action: ["route53:GetChange"], Resource: `arn:${ctx.partition}:route53:::change/*` },
    // ACM read-only. ListCertificates supports no resource-level permissions: AWS requires "*".
    { Effect: "Allow", Action: ["acm:ListCertificates"], Resource: "*" },
    {
      Effect: "Allow",
      Action: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"],
      Resource: `arn:${ctx.partition}:acm:${ctx.region}:${ctx.accountId}:certificate/*`,
    },
    ...ownStateStatements(ctx, shared, "cert-rotation"),
  );
  return statements;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function groupBy<V>(entries: readonly [string, V][]): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const [key, value] of entries) {
    const list = groups.get(key) ?? [];
    if (!list.includes(value)) list.push(value);
    groups.set(key, list);
  }
  return groups;
}
