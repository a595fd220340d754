import type { Decision } from "../domain/decision";

export const METRIC_NAMESPACE = "TrafficAutopilot";

/**
 * One CloudWatch Embedded Metric Format document per Decision: logging it is enough for CloudWatch to
 * extract the metrics, with no PutMetricData call (and no IAM permission) on the hot path.
 */
export function decisionMetric(
  decision: Decision,
  values: Record<string, number> = {},
): Record<string, unknown> {
  const metrics = { Decisions: 1, Changes: decision.outcome === "applied" ? 1 : 0, ...values };
  return {
    _aws: {
      Timestamp: Date.parse(decision.at),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [
            ["Automation", "Outcome"],
            ["Automation", "Target"],
          ],
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
