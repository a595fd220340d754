import type { Severity } from "./decision";
import { isParameterArea, parameterKeys } from "./parameter-layout";

/**
 * An incident is the life of one thing going wrong and being handled: flow control engaged -> admission
 * changed -> released; one certificate rotation from plan to done. In Slack it is one thread: the root
 * shows the incident's current state (refreshed in place), every decision is a reply under it.
 */
export interface IncidentRoute {
  /** Stable per incident, starting with the automation: "flow-control/web", "cert-rotation/iot/rot-1a2b". */
  key: string;
  /** What the incident is about, the same for its whole life: "Flow control · fleet web (Role=web)". */
  title: string;
  /** The incident's state after this decision, in words: the root's line. */
  headline: string;
  severity: Severity;
  /** With no open thread, this decision starts one; otherwise it is posted alone in the channel. */
  opens: boolean;
  /** This decision ends the incident: the root shows the final state, the next decision opens a new thread. */
  closes: boolean;
  /**
   * This decision starts a new incident even if a thread is still open (that one ended without a closing
   * decision reaching Slack, e.g. the instance that never converged was terminated): the old root is marked
   * superseded.
   */
  restarts?: boolean;
}

/** What is remembered about one incident's thread (one StateStore document per incident). */
export interface IncidentThread {
  /** The root message's ts: replies carry it as thread_ts, chat.update targets it. */
  ts: string;
  openedAt: string;
  headline: string;
  severity: Severity;
  closedAt?: string;
}

/**
 * The StateStore key of an incident's thread, inside the automation's own namespace so each function's
 * IAM grant (parameters under `<prefix>/<automation>/*`) covers it and no function can touch another's.
 * @example "flow-control/web" -> "flow-control/threads/web"; "cert-rotation/iot/rot-1a2b" ->
 *   "cert-rotation/threads/iot/rot-1a2b"
 */
export function threadKey(incidentKey: string): string {
  const slash = incidentKey.indexOf("/");
  const area = incidentKey.slice(0, slash);
  if (slash <= 0 || slash === incidentKey.length - 1 || !isParameterArea(area)) {
    throw new Error(`incident key "${incidentKey}" must be "<automation>/<what>"`);
  }
  return parameterKeys.incidentThread(area, incidentKey.slice(slash + 1));
}

/**
 * The thread a decision continues: the stored one while it is open; none once it was closed, or when the
 * stored document has no usable ts (then a new thread is opened rather than replying into nothing).
 */
export function openThread(stored: IncidentThread | undefined): IncidentThread | undefined {
  if (stored === undefined || typeof stored.ts !== "string" || stored.ts === "") return undefined;
  return stored.closedAt === undefined ? stored : undefined;
}

/**
 * The thread's record after a decision was posted in it (`ts` of the root it lives under).
 * @example open {ts "1.1", openedAt 20:04, "ENGAGED", warn} + release at 20:15 ->
 *   {ts "1.1", openedAt 20:04, "released", info, closedAt 20:15}
 */
export function nextThread(
  current: IncidentThread | undefined,
  route: IncidentRoute,
  ts: string,
  now: Date,
): IncidentThread {
  return {
    ts,
    openedAt: current?.openedAt ?? now.toISOString(),
    headline: route.headline,
    severity: route.severity,
    ...(route.closes ? { closedAt: now.toISOString() } : {}),
  };
}

const RANK: Record<Severity, number> = { info: 0, warn: 1, critical: 2 };

/** The louder of two severities. */
export function louder(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

/** A decision headline without its target prefix: the root's title already names the target. */
export function withoutPrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
