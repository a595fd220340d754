import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack's own window: a request signed more than five minutes from now is refused (replay protection). */
export const SLACK_TIMESTAMP_WINDOW_SECONDS = 5 * 60;

export type SignatureVerdict =
  | { ok: true; timestamp: number; signature: string }
  | { ok: false; problem: string };

/**
 * Verifies a Slack request the way Slack documents it: `v0=` + hex HMAC-SHA256 of
 * `v0:{X-Slack-Request-Timestamp}:{raw body}` with the app's signing secret, compared in constant time,
 * and the timestamp within five minutes of our clock (either side). The raw body must be the bytes Slack
 * sent: a re-encoded form would not match.
 *
 * @example secret "8f742231b10e8888abcd99yyyzzz85a5", timestamp 1531420618, body "token=xyz..." ->
 *   header "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" -> ok
 */
export function verifySlackSignature(args: {
  secret: string;
  rawBody: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  nowSeconds: number;
}): SignatureVerdict {
  const { timestampHeader, signatureHeader } = args;
  if (timestampHeader === undefined || !/^\d{1,12}$/.test(timestampHeader)) {
    return { ok: false, problem: "X-Slack-Request-Timestamp is missing or not a number" };
  }
  const timestamp = Number(timestampHeader);
  if (Math.abs(args.nowSeconds - timestamp) > SLACK_TIMESTAMP_WINDOW_SECONDS) {
    return {
      ok: false,
      problem: `the request was signed ${Math.round((args.nowSeconds - timestamp) / 60)} min from now: more than 5 min (stale or replayed)`,
    };
  }
  if (signatureHeader === undefined || !/^v0=[0-9a-f]{64}$/.test(signatureHeader)) {
    return { ok: false, problem: "X-Slack-Signature is missing or not a v0 signature" };
  }
  const expected = slackSignature(args.secret, timestamp, args.rawBody);
  // Both are "v0=" + 64 hex characters here, so the lengths match and the comparison is constant-time.
  if (!timingSafeEqual(Buffer.from(expected, "utf8"), Buffer.from(signatureHeader, "utf8"))) {
    return { ok: false, problem: "the signature does not match this app's signing secret" };
  }
  return { ok: true, timestamp, signature: signatureHeader };
}

/** `v0=<hex HMAC-SHA256("v0:<timestamp>:<body>")>`: what Slack sends, and what the sandbox signs with. */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`, "utf8").digest("hex")}`;
}
