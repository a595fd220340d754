/**
 * A Decision is data: what triggered a run, what it observed, which rule fired, before -> after,
 * which guards held or blocked it, the override in force, and what happened. The same object is
 * logged, posted to Slack and returned by the handler.
 */
export type Automation = "origin-balancer" | "flow-control" | "cert-rotation" | "canary" | "override";

export type Mode = "auto" | "plan" | "dry-run";

export type Severity = "info" | "warn" | "critical";

/**
 * - applied: the change was made and read back.
 * - unchanged: nothing needed doing.
 * - held: a change was wanted (or judgement was impossible) and a guard or NODATA stopped it.
 * - dry-run / planned: a change was wanted; the mode recorded it instead of making it.
 * - ignored: the input does not concern this target (unknown alarm, stale notification).
 * - failed: the change was attempted and did not complete; `error` says why.
 */
export type Outcome = "applied" | "unchanged" | "held" | "dry-run" | "planned" | "ignored" | "failed";

export interface Trigger {
  kind: "schedule" | "alarm" | "certificate-event" | "manual";
  /** Event id, alarm name or invoker: enough to find the input again. */
  source: string;
  at: string;
}

export interface Guard {
  name: string;
  /** passed: it allowed the change; blocked: it stopped or reduced it. */
  verdict: "passed" | "blocked";
  detail: string;
}

export interface OverrideInForce {
  kind: string;
  /** The stored override's id (absent for a canary's own pause/promote commands). */
  id?: string;
  author: string;
  /** Who really invoked the override function, beside the author the operator typed. */
  invoker?: string;
  reason: string;
  expiresAt: string;
}

export interface Decision<Observed = unknown, State = unknown> {
  automation: Automation;
  /** The resource decided about, e.g. "origin.example.com. CNAME" or a fleet tag. */
  target: string;
  trigger: Trigger;
  at: string;
  mode: Mode;
  /** The rule that fired, kebab-case, stable across releases (dashboards group by it). */
  rule: string;
  /** One sentence: what changed and why, in words. */
  headline: string;
  observed: Observed;
  before: State;
  after: State;
  guards: Guard[];
  override?: OverrideInForce;
  outcome: Outcome;
  severity: Severity;
  /** Outside-system details of the change, e.g. Route 53 change id and status. */
  change?: Record<string, string | number | boolean>;
  error?: { name: string; message: string; cause?: string };
  /** What the reader must know beyond the decision itself, e.g. "Slack unavailable: ..." (log-only run). */
  notices?: string[];
}
