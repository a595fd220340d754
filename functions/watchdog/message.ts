/**
 * The watchdog's Slack text for one alarm notification. Pure and tiny on purpose: the watchdog must not
 * load the automations' renderers, config schema or Slack client to report that they fail.
 *
 * @example {AlarmName: "traffic-autopilot-prod-origin-balancer-heartbeat", NewStateValue: "ALARM", ...}
 *   -> ":rotating_light: *ALARM* traffic-autopilot-prod-origin-balancer-heartbeat\n<description>\n..."
 */
export interface AlarmNotification {
  AlarmName?: unknown;
  AlarmDescription?: unknown;
  NewStateValue?: unknown;
  NewStateReason?: unknown;
  StateChangeTime?: unknown;
}

/** Slack's section text limit; the whole message stays in the log. */
const MAX_TEXT = 3_000;

const ICON: Record<string, string> = {
  ALARM: ":rotating_light:",
  OK: ":white_check_mark:",
  INSUFFICIENT_DATA: ":grey_question:",
};

/**
 * mrkdwn treats `<...>` as mentions and links and `&` as an entity: names and reasons come from outside
 * (anyone who can name an alarm or publish to the topic), so they are shown literally.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const str = (value: unknown) =>
  typeof value === "string" ? value : value === undefined ? "" : String(value);

/** A CloudWatch alarm notification as text; anything else published to the topic is shown as received. */
export function renderAlarmText(message: string): string {
  let alarm: AlarmNotification | undefined;
  try {
    const parsed = JSON.parse(message) as unknown;
    if (typeof parsed === "object" && parsed !== null && "AlarmName" in parsed) alarm = parsed;
  } catch {
    alarm = undefined;
  }
  const text =
    alarm === undefined
      ? `:grey_question: watchdog topic message: ${escapeMrkdwn(message)}`
      : [
          `${ICON[str(alarm.NewStateValue)] ?? ":grey_question:"} *${escapeMrkdwn(str(alarm.NewStateValue))}* ${escapeMrkdwn(str(alarm.AlarmName))}`,
          escapeMrkdwn(str(alarm.AlarmDescription)),
          `reason: ${escapeMrkdwn(str(alarm.NewStateReason))}`,
          `since: ${escapeMrkdwn(str(alarm.StateChangeTime))}`,
        ]
          .filter((line) => line !== "")
          .join("\n");
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
