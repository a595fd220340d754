/**
 * A stage configuring all four automations (one pool, fleet, pair and canary), for tests that exercise
 * every function at once: the zone and distribution say which world it points at.
 */
export function everyAutomationStage(options: {
  prefix: string;
  hostedZoneId: string;
  distribution: string;
  slackTimeoutMs?: number;
}): string {
  const { prefix, hostedZoneId: zone } = options;
  const timeout = options.slackTimeoutMs === undefined ? "" : `, timeoutMs: ${options.slackTimeoutMs}`;
  const elb = "arn:aws:elasticloadbalancing:eu-west-1:123456789012";
  return `
stage: test
region: eu-west-1
parameterPrefix: ${prefix}
slack: { channel: "#traffic", tokenParameter: ${prefix}/slack-token${timeout} }
originBalancer:
  pools:
    - name: images
      record: { hostedZoneId: ${zone}, name: origin.example.com, type: CNAME }
      distributions: [${options.distribution}]
      origins: [{ setIdentifier: primary, capacity: 9000 }, { setIdentifier: elastic }]
flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms]
  documentName: TrafficAutopilot-FlowControl
  fleets:
    - name: web
      tag: { key: Role, value: haproxy-web }
      alarms: [{ alarmName: web-overload, onAlarm: close, onOk: open }]
certRotation:
  pairs:
    - name: devices
      pairTag: { key: Pair, value: devices }
      record: { hostedZoneId: ${zone}, name: devices.example.com, types: [A] }
      certificates: { domains: [devices.example.com] }
canary:
  canaries:
    - name: web
      listenerRuleArn: ${elb}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee
      stableTargetGroupArn: ${elb}:targetgroup/web-stable/6d0ecf831eec9f09
      canaryTargetGroupArn: ${elb}:targetgroup/web-canary/73e2d6bc24d8a067
      gateAlarms: [web-canary-5xx]
`;
}

/** The graded alarms the flow-control tests drive: close, open again, admit 20 a second. */
export const GRADED_ALARMS = `
        - { alarmName: web-overload, onAlarm: close }
        - { alarmName: web-overload-cleared, onAlarm: open }
        - { alarmName: web-queue-depth, onAlarm: admit 20 }`;

/**
 * A stage with flow control only: one fleet found by the tag Role=<tag>, its alarms (one that closes on
 * ALARM and opens on OK unless told), our own SSM document, and Run Command polled every 50 ms.
 */
export function flowControlStage(
  options: {
    prefix?: string;
    fleet?: string;
    tag?: string;
    documentName?: string;
    minEngagedMinutes?: number;
    /** YAML list items under `alarms:` (see GRADED_ALARMS). */
    alarms?: string;
    tokenParameter?: string;
    slackTimeoutMs?: number;
  } = {},
): string {
  const prefix = options.prefix ?? "/traffic-autopilot/test";
  const token = options.tokenParameter ?? `${prefix}/slack-token`;
  const timeout = options.slackTimeoutMs === undefined ? "" : `, timeoutMs: ${options.slackTimeoutMs}`;
  const alarms = options.alarms ?? "\n        - { alarmName: web-overload, onAlarm: close, onOk: open }";
  return `
stage: test
region: eu-west-1
parameterPrefix: ${prefix}
slack: { channel: "#traffic", tokenParameter: ${token}${timeout} }
flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms]
  documentName: ${options.documentName ?? "TrafficAutopilot-FlowControl"}
  commands: { maxConcurrency: "10", maxErrors: "50%", pollIntervalMs: 50 }
  fleets:
    - name: ${options.fleet ?? "web"}
      tag: { key: Role, value: ${options.tag ?? "haproxy-web"} }
      minEngagedMinutes: ${options.minEngagedMinutes ?? 0}
      alarms:${alarms}
`;
}
