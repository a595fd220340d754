import {
  type ActionsBlock,
  type ChatMessage,
  chatMessage,
  context,
  section,
  severityPrefix,
} from "./chat-message";
import type { Severity } from "./decision";
import type { IncidentThread } from "./incident";

/**
 * An incident thread's root: what the incident is about and where it stands now. Posted once when the
 * incident opens and refreshed in place (chat.update) after every decision, so the channel shows the
 * current state of each incident without opening its thread. Pure: snapshot-tested.
 * @example title "Flow control · fleet web (Role=web)", headline "flow control released — 6/6 instances
 *   open", info, opened 20:04, closed 20:15 -> green "*Flow control · fleet web (Role=web)* — resolved",
 *   the headline below it, and "opened 20:04 · resolved 20:15 after 11 min"
 */
export function renderIncidentRoot(
  title: string,
  thread: Pick<IncidentThread, "headline" | "severity" | "openedAt" | "closedAt">,
  /** Buttons shown while the incident is ongoing (Pause 1 h / Resume); a resolved root drops them. */
  actions?: ActionsBlock,
): ChatMessage {
  const resolved = thread.closedAt !== undefined;
  const span = resolved
    ? `opened ${thread.openedAt} · resolved ${thread.closedAt} after ${duration(thread.openedAt, thread.closedAt)}`
    : `opened ${thread.openedAt} · ongoing`;
  return chatMessage(`${resolved ? "Resolved — " : ""}${title}: ${thread.headline}`, thread.severity, [
    section(
      `${severityPrefix(thread.severity)} *${title}*${resolved ? " — resolved" : ""}\n${thread.headline}`,
    ),
    context(`${span} · every decision is in the thread`),
    ...(actions && !resolved ? [actions] : []),
  ]);
}

/** A short reply in a thread that is not a decision of its own (e.g. why a rotation was dropped). */
export function renderIncidentNote(text: string, severity: Severity): ChatMessage {
  return chatMessage(text, severity, [section(`${severityPrefix(severity)} ${text}`)]);
}

/** "11 min", "2 h 05 min", "3 d 4 h": how long the incident lasted. */
export function duration(fromIso: string, toIso: string | undefined): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso ?? fromIso) - Date.parse(fromIso)) / 60_000));
  if (!Number.isFinite(minutes)) return "?";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
