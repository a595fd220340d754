import type { SlackOverrideEnvelope } from "../overrides/slack-override-envelope";

/** Remembers the signed requests already seen, for as long as their signature could be replayed. */
export interface ReplayGuard {
  /** "first" the first time this signature is claimed (atomically: of two racing claims one wins). */
  claim(signature: string, signedAtSeconds: number): Promise<"first" | "seen">;
}

/** Hands a verified, authorised request to the override function without waiting for it. */
export interface OverrideDispatcher {
  dispatch(envelope: SlackOverrideEnvelope): Promise<void>;
}

/** What Slack accepts on a response_url (at most 5 uses in 30 minutes). */
export interface SlackResponse {
  text: string;
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
  blocks?: unknown[];
  attachments?: unknown[];
}

/** Answers an interaction after the fact, on the response_url Slack gave with it. */
export interface SlackResponder {
  respond(responseUrl: string, body: SlackResponse): Promise<void>;
}
