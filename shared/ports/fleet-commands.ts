import type { InvocationObservation } from "../flow-control/domain/invocation-result";

export interface FleetCommandRequest {
  instanceIds: readonly string[];
  /** Our document's `action` parameter: status | open | close | admit N. */
  action: string;
  /** Shown in the SSM console next to the command (at most 100 characters). */
  comment: string;
}

export interface SentCommand {
  commandId: string;
  instanceIds: string[];
}

export interface SendResult {
  commands: SentCommand[];
  /**
   * Instances nothing was sent to: SSM refused them as not managed (undeliverable), or SendCommand itself
   * failed for their chunk (error: access denied, throttled beyond the retry budget).
   */
  rejected: { instanceId: string; kind: "not-managed" | "error"; reason: string }[];
}

/** Run Command with our flow-control document, as far as flow control needs it. */
export interface FleetCommands {
  /** One SendCommand per chunk of at most 50 instance ids (SSM's limit per call). */
  send(request: FleetCommandRequest): Promise<SendResult>;
  /**
   * Polls until every invocation of these commands has finished or the deadline passes; returns one
   * observation per sent instance (status undefined: SSM never showed it). Never relies on the SDK waiter.
   */
  poll(commands: readonly SentCommand[], deadline: Date): Promise<InvocationObservation[]>;
  /** The full stdout/stderr of one invocation, when the listed Output was cut short. */
  readOutput(commandId: string, instanceId: string, deadline: Date): Promise<string | undefined>;
}
