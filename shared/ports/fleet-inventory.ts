import type { FleetTag } from "../flow-control/domain/types";

export interface FleetInstance {
  instanceId: string;
  /** The Name tag, when there is one: easier to recognise in Slack than an id. */
  name?: string;
}

/** The instances that make up a fleet right now (running, carrying the fleet tag). */
export interface FleetInventory {
  listInstances(tag: FleetTag): Promise<FleetInstance[]>;
}
