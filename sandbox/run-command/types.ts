/** One machine the stand-in plays: a directory the document's script runs in, with its own environment. */
export interface LocalInstance {
  /** SSM's instance id format: `i-` and 8 or 17 word characters, e.g. "i-0123456789abcdef0". */
  instanceId: string;
  /** Matched by SendCommand Targets such as `{ Key: "tag:Role", Values: ["web"] }`. */
  tags: Record<string, string>;
  /** The directory the script runs in (steps' workingDirectory is resolved against it). */
  cwd: string;
  /** The script's whole environment besides PATH: nothing else leaks in from the stand-in's process. */
  env: Record<string, string>;
  /** false plays an instance whose agent is unreachable: its invocations end DeliveryTimedOut. */
  online: boolean;
}

export interface RunCommandStandInOptions {
  /** Where every non-Run-Command SSM call goes (GetParameter, PutParameter, CreateDocument, ...). */
  motoUrl: string;
  /** Command documents by name, as YAML or JSON text (schemaVersion 2.2, aws:runShellScript steps). */
  documents: Record<string, string>;
  instances: LocalInstance[];
  /** Directories put first on the script's PATH, e.g. the repo's infra/instance so `flowctl` resolves. */
  pathPrepend?: string[];
  /** How long an offline instance's invocation stays Pending before DeliveryTimedOut. Default 2,000 ms. */
  deliveryTimeoutMs?: number;
  /**
   * The delivery model for online instances: ms from SendCommand handing an invocation out until the agent
   * starts the script, per instance (a number applies to all). Default 0: delivered as soon as sent. SSM
   * pushes commands to the agent over an open channel, and AWS states no latency for it: whoever sets a
   * value here states it as an assumption (the reaction bench prints the one it uses).
   */
  deliveryLatencyMs?: number | ((instanceId: string) => number);
  /** Answer InvocationDoesNotExist for this long after SendCommand, like the real race. Default 0. */
  invocationVisibleAfterMs?: number;
  /** Upper bound on one step's run, on top of the step's own timeoutSeconds. Default: the step's (3,600 s). */
  executionTimeoutMs?: number;
}

/** What a SendCommand asked for, kept so tests and the sandbox can assert on what the control plane sent. */
export interface RecordedCommand {
  readonly commandId: string;
  readonly documentName: string;
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  /** The instances the command resolved to (from InstanceIds or Targets), in dispatch order. */
  readonly instanceIds: readonly string[];
  readonly targets: readonly { readonly Key: string; readonly Values: readonly string[] }[];
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly requestedAt: Date;
}

export interface RunCommandStandIn {
  /** Give this to the SSM client as `endpoint` (or AWS_ENDPOINT_URL_SSM). */
  readonly url: string;
  /** Flips an instance's agent on or off; turning it on delivers invocations waiting for it. */
  setInstanceOnline(instanceId: string, online: boolean): void;
  commands(): readonly RecordedCommand[];
  /** Closes the server and kills every running script's process group, waiting until they have exited. */
  stop(): Promise<void>;
}
