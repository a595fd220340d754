export type AlarmStateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** An alarm's CURRENT state, read from CloudWatch (never taken from a notification). */
export interface AlarmObservation {
  name: string;
  state: AlarmStateValue;
  reason?: string;
  updatedAt?: string;
}
