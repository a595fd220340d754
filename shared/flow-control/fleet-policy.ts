import type { FleetConfig } from "./config";
import type { FleetPolicy } from "./domain/types";

/**
 * The policy view of a fleet's configuration. No schema here: the functions call it on the compiled stage
 * config, and importing flow-control-config.ts would build its zod schemas at every cold start.
 */
export function fleetPolicy(fleet: FleetConfig): FleetPolicy {
  return {
    name: fleet.name,
    tag: fleet.tag,
    minEngagedMinutes: fleet.minEngagedMinutes,
    alarms: fleet.alarms.map((a) => ({
      alarmName: a.alarmName,
      ...(a.onAlarm ? { onAlarm: a.onAlarm } : {}),
      ...(a.onOk ? { onOk: a.onOk } : {}),
    })),
  };
}
