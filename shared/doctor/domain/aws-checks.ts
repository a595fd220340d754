import { type CheckResult, fail, isReadError, pass, type ReadError, unreadable } from "./types";

/** A pool's weighted record set as read from its hosted zone (null zone: no such zone). */
export interface PoolObservation {
  pool: string;
  zoneId: string;
  recordName: string;
  recordType: string;
  wantedSetIdentifiers: readonly string[];
  zone: { name: string } | null | ReadError;
  /** The zone's records with this name and type. */
  records: readonly { setIdentifier?: string; weight?: number }[] | ReadError;
}

/**
 * The pool's zone exists and holds one weighted record per configured origin.
 * @example wanted [primary, elastic], zone has primary (254) only -> FAIL "no weighted record elastic"
 */
export function checkPoolRecords(o: PoolObservation): CheckResult {
  const id = "balancer.records";
  if (isReadError(o.zone)) return unreadable(id, o.pool, "route53:GetHostedZone", o.zone);
  if (o.zone === null) {
    return fail(
      id,
      o.pool,
      `hosted zone ${o.zoneId} does not exist`,
      `set originBalancer.pools[${o.pool}].record.hostedZoneId to the id of the zone holding ${o.recordName}`,
    );
  }
  if (isReadError(o.records)) return unreadable(id, o.pool, "route53:ListResourceRecordSets", o.records);
  const weighted = o.records.filter((r) => r.setIdentifier !== undefined && r.weight !== undefined);
  const found = new Set(weighted.map((r) => r.setIdentifier));
  const missing = o.wantedSetIdentifiers.filter((s) => !found.has(s));
  if (missing.length > 0) {
    return fail(
      id,
      o.pool,
      `${o.recordName} ${o.recordType} in ${o.zoneId} has no weighted record ${missing.join(", ")} (found: ${[...found].join(", ") || "none"})`,
      `create a weighted ${o.recordType} record ${o.recordName} with SetIdentifier ${missing.join(", ")}, or correct the setIdentifier in the stage file`,
    );
  }
  const summary = o.wantedSetIdentifiers
    .map((s) => `${s}=${weighted.find((r) => r.setIdentifier === s)?.weight}`)
    .join(", ");
  return pass(id, o.pool, `${o.recordName} ${o.recordType}: ${summary}`);
}

export interface DistributionObservation {
  pool: string;
  distributionId: string;
  windowMinutes: number;
  /** Requests datapoints in the window, read in us-east-1. */
  datapoints: number | ReadError;
}

/**
 * The distribution publishes CloudFront Requests in us-east-1: without them the balancer holds (NODATA).
 * @example E2ABC, 0 datapoints in 30 min -> FAIL (wrong id, or a distribution without traffic)
 */
export function checkDistributionMetrics(o: DistributionObservation): CheckResult {
  const id = "balancer.cloudfront";
  const target = `${o.pool}/${o.distributionId}`;
  if (isReadError(o.datapoints)) {
    return unreadable(id, target, "cloudwatch:GetMetricData (us-east-1)", o.datapoints);
  }
  if (o.datapoints === 0) {
    return fail(
      id,
      target,
      `no CloudFront Requests datapoints in us-east-1 in the last ${o.windowMinutes} minutes`,
      `check the distribution id in originBalancer.pools[${o.pool}].distributions (CloudFront console, ID column); a distribution without traffic has no datapoints`,
    );
  }
  return pass(id, target, `${o.datapoints} Requests datapoints in the last ${o.windowMinutes} minutes`);
}

export interface AlarmObservation {
  fleet: string;
  configuredTopics: readonly string[];
  alarms: readonly { name: string; alarmActions: string[]; okActions: string[] }[] | ReadError;
  wantedAlarms: readonly string[];
}

/**
 * Every flow-control alarm exists and notifies a configured topic on ALARM and on OK (release needs OK).
 * @example web-cpu-high publishes to ops-pager only -> FAIL naming the configured topic to add
 */
export function checkFleetAlarms(o: AlarmObservation): CheckResult {
  const id = "flow.alarms";
  if (isReadError(o.alarms)) return unreadable(id, o.fleet, "cloudwatch:DescribeAlarms", o.alarms);
  const alarms = o.alarms;
  const problems: string[] = [];
  for (const name of o.wantedAlarms) {
    const alarm = alarms.find((a) => a.name === name);
    if (alarm === undefined) {
      problems.push(`alarm ${name} does not exist`);
      continue;
    }
    const notifies = (actions: string[]) => actions.some((a) => o.configuredTopics.includes(a));
    if (!notifies(alarm.alarmActions))
      problems.push(`${name}'s ALARM actions do not publish to a configured topic`);
    if (!notifies(alarm.okActions))
      problems.push(`${name}'s OK actions do not publish to a configured topic`);
  }
  if (problems.length > 0) {
    return fail(
      id,
      o.fleet,
      problems.join("; "),
      `create the alarms or add ${o.configuredTopics[0] ?? "a flowControl.alarmTopicArns topic"} to their ALARM and OK actions (or fix the alarm names in flowControl.fleets[${o.fleet}].alarms)`,
    );
  }
  return pass(id, o.fleet, `${o.wantedAlarms.length} alarms notify ${o.configuredTopics.join(", ")}`);
}

export interface SubscriptionObservation {
  /** flow.subscription or canary.subscription. */
  check: string;
  functionName: string;
  topicArn: string;
  /** Lambda endpoints subscribed to the topic; null when the topic does not exist. */
  endpoints: readonly string[] | null | ReadError;
}

/** The function is subscribed to the topic its alarms publish to: otherwise no alarm ever reaches it. */
export function checkSubscription(o: SubscriptionObservation): CheckResult {
  const target = o.topicArn.split(":").at(-1) ?? o.topicArn;
  if (isReadError(o.endpoints))
    return unreadable(o.check, target, "sns:ListSubscriptionsByTopic", o.endpoints);
  if (o.endpoints === null) {
    return fail(
      o.check,
      target,
      `topic ${o.topicArn} does not exist`,
      "create the topic or correct its ARN in the stage file",
    );
  }
  const ours = o.endpoints.some((e) => new RegExp(`:function:${o.functionName}(:[^:]+)?$`).test(e));
  if (!ours) {
    return fail(
      o.check,
      target,
      `${o.functionName} is not subscribed to ${o.topicArn}`,
      `deploy the stack (serverless deploy creates the subscription) or subscribe the function: aws sns subscribe --topic-arn ${o.topicArn} --protocol lambda --notification-endpoint <${o.functionName} ARN>`,
    );
  }
  return pass(o.check, target, `${o.functionName} is subscribed`);
}
