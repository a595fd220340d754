import type { AlarmObservation } from "../kernel/domain/alarm-observation";

/** CloudWatch alarms' current states (metric and composite alarms). */
export interface AlarmStates {
  /** Alarms that do not exist are simply absent from the result. */
  read(names: readonly string[]): Promise<AlarmObservation[]>;
}
