import type { Notifier, NotifyResult } from "../ports/notifier";
import { decisionMetric } from "../runtime/emf";
import type { Logger } from "../runtime/logger";
import type { ChatMessage } from "./domain/chat-message";
import type { Decision } from "./domain/decision";
import { boundedForLog } from "./domain/decision-log";

/**
 * Records a Decision: one structured log line, one EMF metric document, and (when worth it) one Slack
 * message. Slack comes last and its failure is only logged: the action already stands.
 */
export async function recordDecision(
  decision: Decision,
  deps: { logger: Logger; notifier: Notifier },
  slack: { post: boolean; message: ChatMessage; threadTs?: string },
  metricValues: Record<string, number> = {},
): Promise<NotifyResult | undefined> {
  noteMissingSlack(decision, deps.notifier);
  // One log event holds at most 256 KB: long free text (an alarm reason, flowctl output) is cut.
  deps.logger.info("decision", { decision: boundedForLog(decision) });
  deps.logger.raw(decisionMetric(decision, metricValues));
  if (!slack.post) return undefined;
  return deps.notifier.post(slack.message, slack.threadTs ? { threadTs: slack.threadTs } : {});
}

/**
 * A run without Slack says so in its Decision (the object the handler returns and logs), so whoever
 * reads the log or the invoke's answer knows nobody was told in the channel.
 */
function noteMissingSlack(decision: Decision, notifier: Notifier): void {
  const unavailable = notifier.unavailable?.();
  if (unavailable === undefined || decision.notices?.includes(unavailable)) return;
  decision.notices = [...(decision.notices ?? []), unavailable];
}
