import { ConflictError, describeError } from "../errors";
import type { Notifier, NotifyResult } from "../ports/notifier";
import type { StateStore, StoredValue } from "../ports/state-store";
import type { Logger } from "../runtime/logger";
import { incidentRootButtons } from "./domain/buttons";
import type { ChatMessage } from "./domain/chat-message";
import type { Decision } from "./domain/decision";
import {
  type IncidentRoute,
  type IncidentThread,
  nextThread,
  openThread,
  threadKey,
} from "./domain/incident";
import { renderIncidentRoot } from "./domain/incident-message";
import { recordDecision } from "./record-decision";

export interface IncidentDeps {
  state: StateStore;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
}

/**
 * Records a Decision like recordDecision (log line, metric), and posts its Slack message, when worth it,
 * in its incident's thread (`route`; undefined: alone in the channel).
 */
export async function recordInIncident(
  decision: Decision,
  deps: IncidentDeps,
  slack: { post: boolean; message: ChatMessage; route: IncidentRoute | undefined },
  metricValues: Record<string, number> = {},
): Promise<NotifyResult | undefined> {
  await recordDecision(decision, deps, { post: false, message: slack.message }, metricValues);
  if (!slack.post) return undefined;
  return postInIncident(deps, slack.route, slack.message);
}

/**
 * Posts a decision's message into its incident's thread. The first decision of an incident posts the
 * root (the incident's state) and the decision as its first reply, and stores the root's ts; later ones
 * reply and refresh the root in place; a closing one leaves the root at the final state and marks the
 * thread closed, so the next incident under the same key opens a new thread. Never throws: a Slack outage
 * or a thread that cannot be read or stored costs at most the threading (the next decision then opens a
 * new thread), never the decision, which the caller has already logged.
 */
export async function postInIncident(
  deps: IncidentDeps,
  route: IncidentRoute | undefined,
  message: ChatMessage,
): Promise<NotifyResult> {
  if (route === undefined) return deps.notifier.post(message);
  const key = threadKey(route.key);
  const stored = await loadThread(deps, key, route.key);
  const now = deps.now();
  let open = openThread(stored?.value);
  if (open !== undefined && route.restarts) {
    const superseded = await supersede(deps, route, open, now);
    // Slack is failing: stop here; the thread record is unchanged, so the next decision tries again.
    if (!superseded.ok) return superseded;
    open = undefined;
  }
  if (open === undefined && !route.opens) {
    deps.logger.info("no open incident thread for this decision: posting it alone", { incident: route.key });
    return deps.notifier.post(message);
  }
  const root = renderIncidentRoot(
    route.title,
    nextThread(open, route, open?.ts ?? "", now),
    incidentRootButtons(route.key),
  );
  const posted = await postThreaded(deps.notifier, {
    ...(open ? { ts: open.ts } : {}),
    root,
    reply: message,
  });
  if (posted.ts === undefined) {
    deps.logger.warn("incident thread not opened (Slack failed): the next decision opens it", {
      incident: route.key,
    });
    return posted.reply;
  }
  const next = nextThread(open, route, posted.ts, now);
  if (JSON.stringify(next) !== JSON.stringify(stored?.value)) {
    await saveThread(deps, key, route.key, next, stored?.version);
  }
  return posted.reply;
}

/** Posts `note` in the incident's thread and closes it, if a thread is open; otherwise does nothing. */
export async function closeIncidentIfOpen(
  deps: IncidentDeps,
  route: IncidentRoute,
  note: ChatMessage,
): Promise<void> {
  const stored = await loadThread(deps, threadKey(route.key), route.key);
  if (openThread(stored?.value) === undefined) return;
  await postInIncident(deps, { ...route, opens: false, closes: true }, note);
}

/**
 * The Slack half of a thread, for callers that keep the root's ts themselves (canary runs keep it in
 * their run record): with `ts`, reply under it and refresh the root in place; without, post the root,
 * then the reply under it. The first failed call ends the attempt: in a Slack outage every call waits for
 * the client's timeout, so a decision costs at most one such wait, as a single message did (a new root
 * carries the decision's headline anyway; the next decision refreshes a root left stale).
 */
export async function postThreaded(
  notifier: Notifier,
  args: { ts?: string; root: ChatMessage; reply: ChatMessage },
): Promise<{ ts?: string; opened: boolean; reply: NotifyResult }> {
  if (args.ts !== undefined) {
    const reply = await notifier.post(args.reply, { threadTs: args.ts });
    if (reply.ok) await notifier.update(args.ts, args.root);
    return { ts: args.ts, opened: false, reply };
  }
  const root = await notifier.post(args.root);
  if (!root.ok) return { opened: false, reply: root };
  return { ts: root.ts, opened: true, reply: await notifier.post(args.reply, { threadTs: root.ts }) };
}

/** An incident that ended without its closing decision reaching Slack: its root says so, then a new one opens. */
async function supersede(
  deps: IncidentDeps,
  route: IncidentRoute,
  open: IncidentThread,
  now: Date,
): Promise<NotifyResult> {
  deps.logger.info("previous incident thread was still open: marking it superseded", {
    incident: route.key,
    ts: open.ts,
  });
  const headline = `${open.headline} — superseded by a new incident at ${now.toISOString()}`;
  return deps.notifier.update(
    open.ts,
    renderIncidentRoot(route.title, { ...open, headline, closedAt: now.toISOString() }),
  );
}

async function loadThread(
  deps: IncidentDeps,
  key: string,
  incident: string,
): Promise<StoredValue<IncidentThread> | undefined> {
  try {
    return await deps.state.load<IncidentThread>(key);
  } catch (error) {
    deps.logger.warn("incident thread unreadable: this decision opens a new thread", {
      incident,
      error: describeError(error),
    });
    return undefined;
  }
}

async function saveThread(
  deps: IncidentDeps,
  key: string,
  incident: string,
  thread: IncidentThread,
  version: number | undefined,
): Promise<void> {
  try {
    await deps.state.save(key, thread, { expectedVersion: version ?? "absent" });
  } catch (error) {
    const why =
      error instanceof ConflictError
        ? "another run wrote the incident thread meanwhile: keeping theirs"
        : "incident thread not stored: the next decision opens a new thread";
    deps.logger.warn(why, { incident, ts: thread.ts, error: describeError(error) });
  }
}
