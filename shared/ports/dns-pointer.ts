import type { DnsRecordFacts } from "../cert-rotation/domain/types";

/** The DNS name that sends devices to one ALB of a pair: simple (non-weighted) records only. */
export interface DnsPointerRef {
  hostedZoneId: string;
  /** Lower case with the trailing dot, as Route 53 returns it. */
  name: string;
  types: readonly DnsRecordFacts["type"][];
}

export interface DnsPointer {
  /** The records of `ref.name` of the configured types that exist, exactly as read. */
  read(ref: DnsPointerRef): Promise<DnsRecordFacts[]>;
  /** UPSERTs all records in one change batch (all-or-nothing: A and AAAA never disagree). */
  upsert(
    ref: DnsPointerRef,
    records: readonly DnsRecordFacts[],
    comment: string,
  ): Promise<{ changeId: string; status: "PENDING" | "INSYNC" }>;
  /** Polls GetChange until INSYNC or the deadline; returns the last status seen. */
  waitInSync(changeId: string, deadline: Date): Promise<"PENDING" | "INSYNC">;
}
