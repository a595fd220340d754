import {
  type Change,
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import { AwsCallError } from "../../errors";
import {
  type RecordSetRef,
  recordSetKey,
  type SubmittedChange,
  type WeightedRecord,
  type WeightedRecords,
} from "../../ports/weighted-records";
import { retryTransient } from "./retry";
import { normaliseDnsName, waitForRoute53Change } from "./route53-change";

export interface Route53Options {
  /** Remaining time budget of the invocation: no retry or poll starts after it. */
  deadline: () => Date;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_PAGES = 20;
/** A zone listing returns up to 300 record sets a page: 100 pages cover 30,000, far past any pool zone. */
const MAX_ZONE_PAGES = 100;

export function createRoute53WeightedRecords(
  client: Route53Client,
  options: Route53Options,
): WeightedRecords {
  return {
    async read(ref) {
      const found = new Map<string, WeightedRecord>();
      const start = { name: ref.name, type: ref.type };
      for await (const sets of recordSetPages(client, ref.hostedZoneId, start, MAX_PAGES)) {
        let passed = false;
        for (const set of sets) {
          if (normaliseDnsName(set.Name) !== ref.name || set.Type !== ref.type) {
            // Sets come in name order: once we are past our name there is nothing more to find.
            if (found.size > 0 || normaliseDnsName(set.Name) > ref.name) passed = true;
            continue;
          }
          if (set.SetIdentifier === undefined) continue;
          // moto ignores StartRecordIdentifier, so a page can repeat records: key by SetIdentifier.
          found.set(set.SetIdentifier, toWeighted(set, ref));
        }
        if (passed) break;
      }
      return [...found.values()];
    },

    async readZone(hostedZoneId, refs) {
      const wanted = new Map(refs.map((ref) => [recordSetKey(ref), ref]));
      const found = new Map<string, Map<string, WeightedRecord>>();
      for (const key of wanted.keys()) found.set(key, new Map());
      for await (const sets of recordSetPages(client, hostedZoneId, {}, MAX_ZONE_PAGES)) {
        for (const set of sets) {
          const key = recordSetKey({
            name: normaliseDnsName(set.Name),
            type: set.Type as RecordSetRef["type"],
          });
          const ref = wanted.get(key);
          if (ref === undefined || set.SetIdentifier === undefined) continue;
          // moto ignores StartRecordIdentifier, so a page can repeat records: key by SetIdentifier.
          found.get(key)?.set(set.SetIdentifier, toWeighted(set, ref));
        }
      }
      return new Map([...found].map(([key, records]) => [key, [...records.values()]]));
    },

    async apply(updates) {
      const byZone = new Map<string, Change[]>();
      for (const update of updates) {
        const changes = byZone.get(update.ref.hostedZoneId) ?? [];
        for (const record of update.records)
          changes.push({ Action: "UPSERT", ResourceRecordSet: toRoute53(record, update.ref) });
        byZone.set(update.ref.hostedZoneId, changes);
      }
      const submitted: SubmittedChange[] = [];
      for (const [hostedZoneId, changes] of byZone) {
        if (changes.length === 0) continue;
        const out = await retryTransient(
          () =>
            client.send(
              new ChangeResourceRecordSetsCommand({
                HostedZoneId: hostedZoneId,
                ChangeBatch: { Comment: "traffic-autopilot origin balancer", Changes: changes },
              }),
            ),
          {
            attempts: 5,
            baseDelayMs: 200,
            deadline: options.deadline(),
            what: `Route 53 change in ${hostedZoneId}`,
          },
        );
        const info = out.ChangeInfo;
        if (info?.Id === undefined)
          throw new AwsCallError(`Route 53 returned no change id for ${hostedZoneId}`);
        submitted.push({
          hostedZoneId,
          changeId: info.Id,
          status: info.Status === "INSYNC" ? "INSYNC" : "PENDING",
        });
      }
      return submitted;
    },

    waitInSync: (changeId, deadline) => waitForRoute53Change(client, changeId, deadline, options),
  };
}

function toWeighted(set: ResourceRecordSet, ref: RecordSetRef): WeightedRecord {
  // Weight 0 is a valid weight; only a missing Weight means the record is not weighted.
  if (set.Weight === undefined) {
    throw new AwsCallError(`${ref.name} ${ref.type} "${set.SetIdentifier}" is not a weighted record`);
  }
  return {
    setIdentifier: set.SetIdentifier as string,
    weight: set.Weight,
    ...(set.TTL !== undefined ? { ttl: set.TTL } : {}),
    ...(set.ResourceRecords ? { values: set.ResourceRecords.map((r) => r.Value ?? "") } : {}),
    ...(set.AliasTarget
      ? {
          aliasTarget: {
            hostedZoneId: set.AliasTarget.HostedZoneId ?? "",
            dnsName: set.AliasTarget.DNSName ?? "",
            evaluateTargetHealth: set.AliasTarget.EvaluateTargetHealth ?? false,
          },
        }
      : {}),
    ...(set.HealthCheckId ? { healthCheckId: set.HealthCheckId } : {}),
  };
}

/** Writes back exactly what was read (TTL, values or alias, health check): only the weight differs. */
function toRoute53(record: WeightedRecord, ref: RecordSetRef): ResourceRecordSet {
  return {
    Name: ref.name,
    Type: ref.type,
    SetIdentifier: record.setIdentifier,
    Weight: record.weight,
    ...(record.ttl !== undefined ? { TTL: record.ttl } : {}),
    ...(record.values ? { ResourceRecords: record.values.map((Value) => ({ Value })) } : {}),
    ...(record.aliasTarget
      ? {
          AliasTarget: {
            HostedZoneId: record.aliasTarget.hostedZoneId,
            DNSName: record.aliasTarget.dnsName,
            EvaluateTargetHealth: record.aliasTarget.evaluateTargetHealth,
          },
        }
      : {}),
    ...(record.healthCheckId ? { HealthCheckId: record.healthCheckId } : {}),
  };
}

interface ListingCursor {
  name?: string;
  type?: string;
  identifier?: string;
}

/**
 * The pages of a zone's record-set listing from `start`, at most `maxPages`. Ends with the listing, or
 * when the next cursor repeats the last (moto ignores StartRecordIdentifier and would loop).
 */
async function* recordSetPages(
  client: Route53Client,
  hostedZoneId: string,
  start: ListingCursor,
  maxPages: number,
): AsyncGenerator<ResourceRecordSet[]> {
  let cursor = start;
  for (let page = 0; page < maxPages; page++) {
    const out = await client.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        StartRecordName: cursor.name,
        StartRecordType: cursor.type as never,
        StartRecordIdentifier: cursor.identifier,
      }),
    );
    yield out.ResourceRecordSets ?? [];
    if (!out.IsTruncated) return;
    const next = { name: out.NextRecordName, type: out.NextRecordType, identifier: out.NextRecordIdentifier };
    if (next.name === cursor.name && next.type === cursor.type && next.identifier === cursor.identifier)
      return;
    cursor = next;
  }
}
