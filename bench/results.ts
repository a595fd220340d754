/** The shape of bench/results.json: one run's numbers, every ratio measured against a baseline of the same run. */

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  haproxy?: string;
}

/** One bundle's measurements: medians over `runs` fresh node processes. */
export interface BundleMeasure {
  /** Every file of the bundle: what the function's zip carries. */
  bytes: number;
  /** The handler module and the chunks it imports statically: what loading it compiles. */
  bytesAtImport?: number;
  /** Loading the handler as Lambda does: import() of an ES module, require() of CommonJS. */
  importMs: number;
  /** CPU time of that load (user + system, all threads): steadier than wall time on a busy machine. */
  importCpuMs: number;
  /** The load + the cold start until the first AWS request leaves (config validated, clients built). */
  readyMs: number | null;
}

export interface FunctionColdStart {
  name: string;
  ours: BundleMeasure;
  naive: BundleMeasure;
  ratios: { bytes: number | null; import: number | null; importCpu: number | null; ready: number | null };
}

export interface ColdStartResult {
  runs: number;
  /** time: import; ready: require + cold start until the first AWS request (defaults to time). */
  goal: { bytes: number; time: number; ready?: number };
  functions: FunctionColdStart[];
  /** The same measurement with the production options before this change, when one was made. */
  previous?: { label: string; functions: FunctionColdStart[] };
}

export interface ReactionTrial {
  /** From the handler's invocation to the last instance serving the sorry page to a new visitor. */
  allServingMs: number;
  fastestInstanceMs: number;
  handlerMs: number;
  /** When SendCommand reached Run Command: the handler's own part (state, EC2 inventory) ends here. */
  firstSendCommandMs: number | null;
  /** Of firstSendCommandMs, the time spent waiting for AWS answers (parallel calls counted once). */
  awsWaitBeforeSendMs: number;
  /** The AWS calls before (and including) the first SendCommand, "operation@ms since the invocation". */
  beforeSend: string[];
  startedAt: string;
  /** The stand-in's stated delivery latency per instance (the delivery model). */
  deliveryModelMs?: number;
  /** flowctl's own elapsedMs across the instances. */
  flowctlMs?: { median: number; max: number };
  outcome: string;
}

export interface ReactionResult {
  /** The Run Command stand-in's delivery model: ms from SendCommand to flowctl starting on an instance. */
  deliveryLatencyMs?: number;
  instances: number;
  loadClients: number;
  trials: ReactionTrial[];
  medianAllServingMs: number;
  worstAllServingMs: number;
  /** Requests the cookie holders sent during the whole run, and those that were not 2xx or failed. */
  load: { requests: number; failed: number; non2xx: number; errors: number; durationMs: number };
  goal: { ms: number; failed: number };
}

export interface InvocationCalls {
  wallMs: number;
  /** AWS calls per service and operation, counted on the wire (a proxy in front of moto). */
  calls: Record<string, Record<string, number>>;
  totalCalls: number;
  /** First and last call of each operation, in ms from the invocation's start. */
  timeline: Record<string, { firstMs: number; lastMs: number }>;
}

export interface ScaleResult {
  balancer: InvocationCalls & {
    zones: number;
    pools: number;
    changedPools: number;
    changeBatchesPerZone: Record<string, number>;
    outcomes: Record<string, number>;
  };
  flowControl: InvocationCalls & {
    instances: number;
    sendCommandBatches: number;
    converged: number;
    outcome: string;
    flowctl: string;
  };
  goal: { wallMs: number; changeBatchesPerZone: number };
  notes: string[];
}

export interface BenchResults {
  generatedAt: string;
  machine: MachineInfo;
  coldStart?: ColdStartResult;
  reaction?: ReactionResult;
  scale?: ScaleResult;
  flowctl?: FlowctlResult;
}

/** One flowctl mode change on one instance: medians over `changes` runs. */
export interface FlowctlMeasure {
  wallMs: number;
  wallMsP90: number;
  /** User + system CPU of flowctl and every process it started. */
  cpuMs: number;
  /** From flowctl's first `set map` until the status endpoint served the new mode. */
  setMapMs: number | null;
}

export interface FlowctlResult {
  changes: number;
  ours: FlowctlMeasure;
  /** The flowctl of an earlier commit, run interleaved with ours on the same instance. */
  baseline?: FlowctlMeasure & { commit: string };
  ratios?: { wall: number | null; cpu: number | null };
  goal: { changeMs: number; setMapMs: { min: number; max: number } };
}
