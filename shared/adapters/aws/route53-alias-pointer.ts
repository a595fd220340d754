import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import type { DnsRecordFacts } from "../../cert-rotation/domain/types";
import { AwsCallError } from "../../errors";
import type { DnsPointer } from "../../ports/dns-pointer";
import { retryTransient } from "./retry";
import { normaliseDnsName, waitForRoute53Change } from "./route53-change";

export interface AliasPointerOptions {
  deadline: () => Date;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_PAGES = 5;
const TYPE_ORDER = ["A", "AAAA", "CNAME"] as const;

/** Simple alias A/AAAA or CNAME records in Route 53, switched between the two ALBs of a pair. */
export function createRoute53AliasPointer(client: Route53Client, options: AliasPointerOptions): DnsPointer {
  return {
    async read(ref) {
      const wanted = new Set<string>(ref.types);
      const found = new Map<string, DnsRecordFacts>();
      const first = TYPE_ORDER.find((t) => wanted.has(t)) ?? "A";
      let start: { name?: string; type?: string } = { name: ref.name, type: first };
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await retryTransient(
          () =>
            client.send(
              new ListResourceRecordSetsCommand({
                HostedZoneId: ref.hostedZoneId,
                StartRecordName: start.name,
                StartRecordType: start.type as never,
                MaxItems: 20,
              }),
            ),
          { attempts: 4, baseDelayMs: 200, deadline: options.deadline(), what: `Route 53 list ${ref.name}` },
        );
        let passed = false;
        for (const set of out.ResourceRecordSets ?? []) {
          // The listing starts at our name; the first other name means every type of ours was seen.
          if (normaliseDnsName(set.Name) !== ref.name) {
            passed = true;
            break;
          }
          if (!wanted.has(set.Type ?? "")) continue;
          if (set.SetIdentifier !== undefined) {
            throw new AwsCallError(
              `${ref.name} ${set.Type} uses a routing policy (SetIdentifier ${set.SetIdentifier}); the rotation switches simple records only`,
            );
          }
          found.set(set.Type as string, toFacts(set));
        }
        if (passed || !out.IsTruncated || !out.NextRecordName) break;
        start = { name: out.NextRecordName, type: out.NextRecordType };
      }
      return ref.types.flatMap((t) => {
        const record = found.get(t);
        return record ? [record] : [];
      });
    },

    async upsert(ref, records, comment) {
      const out = await retryTransient(
        () =>
          client.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: ref.hostedZoneId,
              ChangeBatch: {
                Comment: comment.slice(0, 256),
                Changes: records.map((r) => ({
                  Action: "UPSERT",
                  ResourceRecordSet: toRoute53(r, ref.name),
                })),
              },
            }),
          ),
        {
          attempts: 5,
          baseDelayMs: 200,
          deadline: options.deadline(),
          what: `Route 53 change of ${ref.name}`,
        },
      );
      const info = out.ChangeInfo;
      if (info?.Id === undefined) throw new AwsCallError(`Route 53 returned no change id for ${ref.name}`);
      return { changeId: info.Id, status: info.Status === "INSYNC" ? "INSYNC" : "PENDING" };
    },

    waitInSync: (changeId, deadline) => waitForRoute53Change(client, changeId, deadline, options),
  };
}

function toFacts(set: ResourceRecordSet): DnsRecordFacts {
  const type = set.Type as DnsRecordFacts["type"];
  if (set.AliasTarget) {
    // An alias has no TTL of its own (moto reports 0): never write one back.
    return {
      type,
      alias: {
        hostedZoneId: set.AliasTarget.HostedZoneId ?? "",
        dnsName: set.AliasTarget.DNSName ?? "",
        evaluateTargetHealth: set.AliasTarget.EvaluateTargetHealth ?? false,
      },
    };
  }
  return {
    type,
    ...(set.TTL !== undefined ? { ttl: set.TTL } : {}),
    values: (set.ResourceRecords ?? []).map((r) => r.Value ?? ""),
  };
}

function toRoute53(record: DnsRecordFacts, name: string): ResourceRecordSet {
  if (record.alias) {
    return {
      Name: name,
      Type: record.type,
      AliasTarget: {
        HostedZoneId: record.alias.hostedZoneId,
        DNSName: record.alias.dnsName,
        EvaluateTargetHealth: record.alias.evaluateTargetHealth,
      },
    };
  }
  return {
    Name: name,
    Type: record.type,
    ...(record.ttl !== undefined ? { TTL: record.ttl } : {}),
    ResourceRecords: (record.values ?? []).map((Value) => ({ Value })),
  };
}
