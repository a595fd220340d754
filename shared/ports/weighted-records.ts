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
  /** UPSERTs in one ChangeBatch per hosted zone (all-or-nothing per zone). */
  apply(updates: readonly WeightUpdate[]): Promise<SubmittedChange[]>;
  /** Polls GetChange until INSYNC or the deadline; returns the last status seen. */
  waitInSync(changeId: string, deadline: Date): Promise<"PENDING" | "INSYNC">;
}
