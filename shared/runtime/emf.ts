import type { Decision } from "../kernel/domain/decision";

export const METRIC_NAMESPACE = "TrafficAutopilot";

/**
 * One CloudWatch Embedded Metric Format document per Decision: logging it is enough for CloudWatch to
 * extract the metrics, with no PutMetricData call (and no IAM permission) on the hot path.
 */
export function decisionMetric(
  decision: Decision,
  values: Record<string, number> = {},
): Record<string, unknown> {
  const metrics = {
    Decisions: 1,
    Changes: decision.outcome === "applied" ? 1 : 0,
    // The heartbeat alarms count these per automation: any run that decided, whatever it decided.
    Succeeded: decision.outcome === "failed" ? 0 : 1,
    ...values,
  };
  return {
    _aws: {
      Timestamp: Date.parse(decision.at),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [["Automation", "Outcome"], ["Automation", "Target"], ["Automation"]],
          Metrics: Object.keys(metrics).map((name) => ({ Name: name, Unit: "Count" })),
        },
      ],
    },
    Automation: decision.automation,
    Outcome: decision.outcome,
    Target: decision.target,
    ...metrics,
  };
}

/**
 * One EMF document per invocation that runs without Slack (its token unreadable): the stack alarms on
 * it, and the watchdog, which reads its own token, says so in Slack.
 */
export function slackUnavailableMetric(automation: string, at: Date): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [["Automation"]],
          Metrics: [{ Name: SLACK_UNAVAILABLE_METRIC, Unit: "Count" }],
        },
      ],
    },
    Automation: automation,
    [SLACK_UNAVAILABLE_METRIC]: 1,
  };
}

export const SLACK_UNAVAILABLE_METRIC = "SlackUnavailable";
