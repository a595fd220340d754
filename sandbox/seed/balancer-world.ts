import { type CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  type Route53Client,
} from "@aws-sdk/client-route-53";

export interface SeededOrigin {
  setIdentifier: string;
  weight: number;
  value: string;
  ttl: number;
  withHealthCheck?: boolean;
}

/** Creates a hosted zone and one weighted CNAME record per origin; returns the zone id moto assigned. */
export async function seedWeightedRecords(
  route53: Route53Client,
  zoneName: string,
  recordName: string,
  origins: readonly SeededOrigin[],
): Promise<{ hostedZoneId: string; healthCheckIds: Record<string, string> }> {
  const zone = await route53.send(
    new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `seed-${zoneName}-${Date.now()}` }),
  );
  const hostedZoneId = (zone.HostedZone?.Id ?? "").replace("/hostedzone/", "");
  const healthCheckIds: Record<string, string> = {};
  for (const origin of origins.filter((o) => o.withHealthCheck)) {
    const check = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: `hc-${origin.setIdentifier}-${Date.now()}`,
        HealthCheckConfig: {
          Type: "HTTPS",
          FullyQualifiedDomainName: origin.value,
          Port: 443,
          ResourcePath: "/health",
        },
      }),
    );
    healthCheckIds[origin.setIdentifier] = check.HealthCheck?.Id ?? "";
  }
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: {
        Changes: origins.map((o) => ({
          Action: "CREATE",
          ResourceRecordSet: {
            Name: recordName,
            Type: "CNAME",
            SetIdentifier: o.setIdentifier,
            Weight: o.weight,
            TTL: o.ttl,
            ResourceRecords: [{ Value: o.value }],
            ...(healthCheckIds[o.setIdentifier] ? { HealthCheckId: healthCheckIds[o.setIdentifier] } : {}),
          },
        })),
      },
    }),
  );
  return { hostedZoneId, healthCheckIds };
}

export interface MetricMinute {
  minute: Date;
  requests?: number;
  cacheHitRate?: number;
  totalErrorRate?: number;
}

/** Puts CloudFront's three series for one distribution, as CloudFront publishes them (us-east-1). */
export async function putCloudFrontMetrics(
  cloudwatch: CloudWatchClient,
  distributionId: string,
  minutes: readonly MetricMinute[],
): Promise<void> {
  const dimensions = [
    { Name: "DistributionId", Value: distributionId },
    { Name: "Region", Value: "Global" },
  ];
  const data = minutes.flatMap((m) =>
    (
      [
        ["Requests", m.requests, "None"],
        ["CacheHitRate", m.cacheHitRate, "Percent"],
        ["TotalErrorRate", m.totalErrorRate, "Percent"],
      ] as const
    ).flatMap(([name, value, unit]) =>
      value === undefined
        ? []
        : [{ MetricName: name, Value: value, Unit: unit, Timestamp: m.minute, Dimensions: dimensions }],
    ),
  );
  // PutMetricData takes at most 1,000 datums per call.
  for (let i = 0; i < data.length; i += 500) {
    await cloudwatch.send(
      new PutMetricDataCommand({ Namespace: "AWS/CloudFront", MetricData: data.slice(i, i + 500) }),
    );
  }
}
