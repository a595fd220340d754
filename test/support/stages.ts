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
