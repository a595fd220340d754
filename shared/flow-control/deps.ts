import type { AlarmStates } from "../ports/alarm-states";
import type { FleetCommands } from "../ports/fleet-commands";
import type { FleetInventory } from "../ports/fleet-inventory";
import type { Notifier } from "../ports/notifier";
import type { OverrideReader } from "../ports/override-store";
import type { StateStore } from "../ports/state-store";
import type { Logger } from "../runtime/logger";

/** The ports one flow-control run reads and acts through (built by functions/flow-control/deps.ts). */
export interface FlowControlDeps {
  inventory: FleetInventory;
  commands: FleetCommands;
  /** CloudWatch's current alarm states: what is acted on, not the notification's word. */
  alarms: AlarmStates;
  state: StateStore;
  /** Operator overrides, read once per run: an unreadable store stops the run (a pause could be there). */
  overrides: OverrideReader;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
  /** When the invocation must have finished its AWS work (Lambda time left minus a margin). */
  deadline: () => Date;
}
