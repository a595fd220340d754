/** The two functions the operator CLI talks to. */
export type OperatorFunction = "status" | "override";

/** Runs one of the stage's functions with a payload and returns what it returned. */
export interface FunctionInvoker {
  invoke(fn: OperatorFunction, payload: unknown): Promise<unknown>;
  /** Where the calls go, for messages: "traffic-autopilot-prod-* in eu-west-1" or "local sandbox (...)". */
  readonly target: string;
  /**
   * Local sandbox only (nothing runs on a schedule there): one scheduled run of an automation now, as
   * EventBridge would start it; returns its decisions.
   */
  runScheduled?(automation: ScheduledAutomation): Promise<unknown>;
}

/** The automations EventBridge runs on a schedule. */
export type ScheduledAutomation = "origin-balancer" | "flow-control" | "cert-rotation" | "canary";

/**
 * The function ran and threw: `errorType` is its error class (InvalidOverrideError, ConflictError...),
 * as Lambda reports it in the response payload.
 */
export class FunctionFailedError extends Error {
  constructor(
    readonly fn: string,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = "FunctionFailedError";
  }
}

/** The command line cannot be carried out as given (no stage, no session file...). Nothing was invoked. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UsageError";
  }
}
