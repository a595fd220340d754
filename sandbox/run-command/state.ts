import type { CommandDocument } from "./document";
import type { CommandRecord } from "./invocations";
import type { Scheduler } from "./scheduler";
import type { LocalInstance, RecordedCommand } from "./types";

/** Everything the operation handlers share: the stand-in's configuration and its in-memory command store. */
export interface StandInState {
  readonly documents: ReadonlyMap<string, CommandDocument>;
  /** In the order given to the stand-in: Targets resolve to instances in this order. */
  readonly instances: readonly LocalInstance[];
  /** Oldest first; list operations answer newest first, as SSM does. */
  readonly commands: CommandRecord[];
  readonly recorded: RecordedCommand[];
  readonly scheduler: Scheduler;
  readonly deliveryTimeoutMs: number;
  readonly invocationVisibleAfterMs: number;
  /** Injected so tests of the state machine could control time; the server passes Date.now. */
  readonly now: () => number;
}

export function findCommand(state: StandInState, commandId: string): CommandRecord | undefined {
  return state.commands.find((command) => command.commandId === commandId);
}
