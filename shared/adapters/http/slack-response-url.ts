import type { SlackResponder } from "../../ports/slack-chatops";

/**
 * Posts an answer to a Slack response_url (JSON, one attempt within `timeoutMs`). Only URLs `allow`
 * accepts are called: in production Slack's own hooks.slack.com, so a forged envelope cannot make the
 * override function call anywhere else.
 */
export function createResponseUrlResponder(options: {
  allow: (url: string) => boolean;
  timeoutMs: number;
}): SlackResponder {
  return {
    async respond(url, body) {
      if (!options.allow(url)) throw new Error("response_url is not one of Slack's: not called");
      const out = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!out.ok) throw new Error(`response_url answered HTTP ${out.status}`);
    },
  };
}
