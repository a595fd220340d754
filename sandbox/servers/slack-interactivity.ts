import { slackSignature } from "../../shared/slack-chatops/slack-signature";

/** A request to the slack-chatops function URL, as Lambda hands it over (payload format 2.0). */
export interface FunctionUrlRequest {
  version: "2.0";
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
  requestContext: { http: { method: string } };
}

/**
 * Signs a form body the way Slack does (v0, HMAC-SHA256 of `v0:{timestamp}:{body}`) and wraps it as the
 * function URL delivers it. `signature` replaces the computed one (a forged request).
 */
export function signedRequest(
  secret: string,
  body: string,
  options: { timestamp: number; signature?: string },
): FunctionUrlRequest {
  return {
    version: "2.0",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(options.timestamp),
      "x-slack-signature": options.signature ?? slackSignature(secret, options.timestamp, body),
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: "POST" } },
  };
}

/** A slash command's form body, with the fields Slack sends. */
export function slashCommandBody(args: { userId: string; text: string; responseUrl: string }): string {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: "T0SANDBOX",
    team_domain: "sandbox",
    channel_id: "C0SANDBOX",
    channel_name: "traffic-autopilot-sandbox",
    user_id: args.userId,
    user_name: args.userId.toLowerCase(),
    command: "/autopilot",
    text: args.text,
    api_app_id: "A0SANDBOX",
    response_url: args.responseUrl,
    trigger_id: "13345224609.738474920.8088930838d88f008e0",
  }).toString();
}

/** A button click's form body: `payload=` JSON of type block_actions, with the message it sits on. */
export function buttonClickBody(args: {
  userId: string;
  actionId: string;
  value: string;
  responseUrl: string;
  message: { ts: string; text?: string; blocks?: unknown[]; attachments?: unknown[] };
}): string {
  const payload = {
    type: "block_actions",
    user: { id: args.userId, username: args.userId.toLowerCase(), team_id: "T0SANDBOX" },
    api_app_id: "A0SANDBOX",
    container: { type: "message", message_ts: args.message.ts, channel_id: "C0SANDBOX" },
    trigger_id: "13345224609.738474920.8088930838d88f008e0",
    team: { id: "T0SANDBOX", domain: "sandbox" },
    channel: { id: "C0SANDBOX", name: "traffic-autopilot-sandbox" },
    message: { type: "message", ...args.message },
    response_url: args.responseUrl,
    actions: [
      {
        type: "button",
        block_id: "autopilot-actions",
        action_id: args.actionId,
        value: args.value,
        action_ts: "1700000000.000001",
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
