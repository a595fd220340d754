/** The Route 53 weighted record set an origin pool is steered through. */
export interface RecordSetRef {
  hostedZoneId: string;
  name: string;
  type: "A" | "AAAA" | "CNAME";
}

/** One weighted record exactly as read: everything but the weight is written back unchanged. */
export interface WeightedRecord {
  setIdentifier: string;
  weight: number;
  ttl?: number;
  values?: string[];
  aliasTarget?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  healthCheckId?: string;
}

/** "name type", the key of a record set in a zone listing. */
export const recordSetKey = (ref: Pick<RecordSetRef, "name" | "type">) => `${ref.name} ${ref.type}`;

export interface WeightUpdate {
  ref: RecordSetRef;
  /** The records as read, with the new weights: only changed ones are sent. */
  records: WeightedRecord[];
}

export interface SubmittedChange {
  hostedZoneId: string;
  changeId: string;
  status: "PENDING" | "INSYNC";
}

export interface WeightedRecords {
  read(ref: RecordSetRef): Promise<WeightedRecord[]>;
  /**
   * Every record set of `refs` (all in this hosted zone) with ONE paginated listing of the zone: per
   * run, one listing per zone instead of one per pool (Route 53's API rate is per account and shared).
   * Keyed by `recordSetKey(ref)`; a record set with no weighted record maps to an empty list.
   */
  readZone(hostedZoneId: string, refs: readonly RecordSetRef[]): Promise<Map<string, WeightedRecord[]>>;
  /** UPSERTs in one ChangeBatch per hosted zone (all-or-nothing per zone). */
  apply(updates: readonly WeightUpdate[]): Promise<SubmittedChange[]>;
  /** Polls GetChange until INSYNC or the deadline; returns the last status seen. */
  waitInSync(changeId: string, deadline: Date): Promise<"PENDING" | "INSYNC">;
}
