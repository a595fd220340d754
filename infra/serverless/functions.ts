import type { StageConfig } from "../../shared/config/stage-config";
import { withWatch } from "./watch";

/**
 * The `functions:` block of serverless.yml, built from the stage config: a stage deploys only the
 * automations it configures, and list-valued settings (several alarm topics) become several events.
 * Every function has its own role (see resources.ts) and reserved concurrency 1: a single writer per
 * resource, so two overlapping runs can never both act.
 */
export function functionDefinitions(config: StageConfig): Record<string, Record<string, unknown>> {
  const functions: Record<string, Record<string, unknown>> = {};
  const base = (name: string, role: string, description: string) => ({
    handler: `functions/${name}/handler.handler`,
    description,
    // Fn::Sub instead of the bare logical id: the framework adds a DependsOn on a named role, which the
    // GetAtt already implies (cfn-lint W3005, and ValidateTemplate rejects any finding on some endpoints).
    role: { "Fn::Sub": `\${${role}.Arn}` },
    reservedConcurrency: 1,
  });
  if (config.originBalancer) {
    functions["origin-balancer"] = {
      ...base("origin-balancer", "OriginBalancerRole", "CloudFront cache-miss load -> Route 53 weights"),
      events: [{ schedule: { rate: [config.originBalancer.schedule] } }],
    };
  }
  if (config.flowControl) {
    functions["flow-control"] = {
      ...base(
        "flow-control",
        "FlowControlRole",
        "CloudWatch alarms -> HAProxy flow control via SSM Run Command",
      ),
      // SSM's shortest delivery timeout is 30 s; polling, one retry and recording need the rest.
      timeout: 120,
      events: [
        ...config.flowControl.alarmTopicArns.map((arn) => ({ sns: { arn } })),
        { schedule: { rate: [config.flowControl.convergeSchedule] } },
      ],
    };
  }
  if (config.certRotation) {
    functions["cert-rotation"] = {
      ...base("cert-rotation", "CertRotationRole", "Blue/green ALB certificate rotation on ACM events"),
      // DNS INSYNC is awaited for up to dnsSyncTimeoutSeconds (default 120 s) after two ELB steps.
      timeout: Math.min(900, config.certRotation.dnsSyncTimeoutSeconds + 180),
      events: [
        {
          eventBridge: {
            pattern: {
              source: ["aws.acm"],
              "detail-type": ["ACM Certificate Available", "ACM Certificate Approaching Expiration"],
            },
          },
        },
        {
          // Imports (monthly Let's Encrypt certificates) arrive as CloudTrail API events; this needs a
          // trail recording management events.
          eventBridge: {
            pattern: {
              source: ["aws.acm"],
              "detail-type": ["AWS API Call via CloudTrail"],
              detail: { eventSource: ["acm.amazonaws.com"], eventName: ["ImportCertificate"] },
            },
          },
        },
        // ACM delivers events on a best-effort basis: the same reconciliation runs on a schedule.
        { schedule: { rate: [config.certRotation.schedule] } },
      ],
    };
  }
  if (config.canary) {
    functions.canary = {
      ...base("canary", "CanaryRole", "ALB weighted canary: steps, alarm gates, rollback"),
      events: [
        { schedule: { rate: [config.canary.schedule] } },
        { sns: { arn: config.canary.alarmTopicArn } },
      ],
    };
  }
  if (Object.keys(functions).length > 0) {
    // Manual invoke only (no events). It may wait for a delegated canary or rotation run to finish.
    functions.override = {
      ...base(
        "override",
        "OverrideRole",
        "Operator overrides: pin, pause, force, canary commands, plan approval",
      ),
      timeout: 900,
    };
    // Manual invoke only, read-only role: the whole stage's state in one document.
    functions.status = {
      ...base("status", "StatusRole", "Read-only status of every automation, overrides and plans"),
      timeout: 60,
    };
    if (config.slackChatops) {
      // Slack buttons and /autopilot: a function URL with auth NONE (Slack cannot sign with SigV4), every
      // request verified with the app's signing secret. It only queues work for the override function, so
      // a few may run at once (Slack retries a request it got no answer to within 3 s).
      functions["slack-chatops"] = {
        ...base(
          "slack-chatops",
          "SlackChatopsRole",
          "Slack interactivity and /autopilot -> override function",
        ),
        reservedConcurrency: 5,
        timeout: 10,
        url: true,
      };
    }
  }
  return withWatch(config, functions);
}
