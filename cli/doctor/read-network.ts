/**
 * doctor's read-only reads of Route 53, CloudWatch, SNS, EC2 and SSM. Every call here is a Get, List or
 * Describe: the README lists exactly these as the IAM doctor needs.
 */
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import {
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import { ListSubscriptionsByTopicCommand, type SNSClient } from "@aws-sdk/client-sns";
import {
  DescribeInstanceInformationCommand,
  ListDocumentsCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { isNotFound, MAX_PAGES } from "./read-error";

export async function hostedZone(route53: Route53Client, zoneId: string): Promise<{ name: string } | null> {
  try {
    const out = await route53.send(new GetHostedZoneCommand({ Id: zoneId }));
    return { name: out.HostedZone?.Name ?? zoneId };
  } catch (error) {
    if (isNotFound(error, "NoSuchHostedZone", "InvalidInput")) return null;
    throw error;
  }
}

const sameName = (a: string, b: string) =>
  a.toLowerCase().replace(/\.$/, "") === b.toLowerCase().replace(/\.$/, "");

/** The zone's record sets with this name (and type, when given). */
export async function recordSets(
  route53: Route53Client,
  zoneId: string,
  name: string,
  types: readonly string[],
): Promise<ResourceRecordSet[]> {
  const out = await route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, MaxItems: 300 }),
  );
  return (out.ResourceRecordSets ?? []).filter(
    (r) => sameName(r.Name ?? "", name) && (types.length === 0 || types.includes(r.Type ?? "")),
  );
}

/** Requests datapoints per distribution over the last `minutes`, in one GetMetricData call (us-east-1). */
export async function requestDatapoints(
  cloudfront: CloudWatchClient,
  distributionIds: readonly string[],
  minutes: number,
  now: Date,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(distributionIds.map((d) => [d, 0]));
  if (distributionIds.length === 0) return counts;
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await cloudfront.send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - minutes * 60_000),
        EndTime: now,
        NextToken: nextToken,
        MetricDataQueries: distributionIds.map((id, i) => ({
          Id: `d${i}`,
          MetricStat: {
            Metric: {
              Namespace: "AWS/CloudFront",
              MetricName: "Requests",
              Dimensions: [
                { Name: "DistributionId", Value: id },
                { Name: "Region", Value: "Global" },
              ],
            },
            Period: 60,
            Stat: "Sum",
          },
        })),
      }),
    );
    for (const result of out.MetricDataResults ?? []) {
      const id = distributionIds[Number((result.Id ?? "").slice(1))];
      if (id !== undefined) counts[id] = (counts[id] ?? 0) + (result.Values?.length ?? 0);
    }
    nextToken = out.NextToken;
    if (!nextToken) break;
  }
  return counts;
}

export async function alarms(
  cloudwatch: CloudWatchClient,
  names: readonly string[],
): Promise<{ name: string; alarmActions: string[]; okActions: string[] }[]> {
  const found: { name: string; alarmActions: string[]; okActions: string[] }[] = [];
  // DescribeAlarms takes at most 100 names per call.
  for (let i = 0; i < names.length; i += 100) {
    const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100) }));
    for (const a of out.MetricAlarms ?? []) {
      found.push({
        name: a.AlarmName ?? "",
        alarmActions: a.AlarmActions ?? [],
        okActions: a.OKActions ?? [],
      });
    }
  }
  return found;
}

/** Lambda endpoints subscribed to the topic; null when the topic does not exist. */
export async function lambdaSubscribers(sns: SNSClient, topicArn: string): Promise<string[] | null> {
  const endpoints: string[] = [];
  let nextToken: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: nextToken }),
      );
      for (const s of out.Subscriptions ?? [])
        if (s.Protocol === "lambda" && s.Endpoint) endpoints.push(s.Endpoint);
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
  } catch (error) {
    if (isNotFound(error, "NotFoundException", "NotFound")) return null;
    throw error;
  }
  return endpoints;
}

export async function runningInstances(
  ec2: EC2Client,
  tag: { key: string; value: string },
): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${tag.key}`, Values: [tag.value] },
          { Name: "instance-state-name", Values: ["running"] },
        ],
        NextToken: nextToken,
      }),
    );
    for (const r of out.Reservations ?? [])
      for (const i of r.Instances ?? []) if (i.InstanceId) ids.push(i.InstanceId);
    nextToken = out.NextToken;
    if (!nextToken) break;
  }
  return ids;
}

/** PingStatus per instance id, from SSM's inventory of managed instances. */
export async function agentStatus(
  ssm: SSMClient,
  instanceIds: readonly string[],
): Promise<Record<string, string>> {
  const status: Record<string, string> = {};
  // The InstanceIds filter takes at most 50 values.
  for (let i = 0; i < instanceIds.length; i += 50) {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await ssm.send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: "InstanceIds", Values: instanceIds.slice(i, i + 50) }],
          NextToken: nextToken,
        }),
      );
      for (const info of out.InstanceInformationList ?? []) {
        if (info.InstanceId) status[info.InstanceId] = info.PingStatus ?? "unknown";
      }
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
  }
  return status;
}

/** ListDocuments by name (DescribeDocument needs ssm:DescribeDocument on the document's ARN too). */
export async function commandDocument(ssm: SSMClient, name: string): Promise<{ type: string } | null> {
  const out = await ssm.send(new ListDocumentsCommand({ Filters: [{ Key: "Name", Values: [name] }] }));
  const document = (out.DocumentIdentifiers ?? []).find((d) => d.Name === name);
  return document ? { type: document.DocumentType ?? "unknown" } : null;
}
