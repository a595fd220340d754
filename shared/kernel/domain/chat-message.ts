import type { Severity } from "./decision";

/** A Block Kit message, built by pure renderers so it can be snapshot-tested. */
export interface ChatMessage {
  /** Plain-text headline: notifications and clients without blocks show this. */
  text: string;
  severity: Severity;
  blocks: Block[];
}

export type Block =
  | { type: "header"; text: { type: "plain_text"; text: string } }
  | { type: "section"; text?: { type: "mrkdwn"; text: string }; fields?: { type: "mrkdwn"; text: string }[] }
  | { type: "context"; elements: { type: "mrkdwn"; text: string }[] }
  | { type: "divider" }
  | ActionsBlock;

/** Buttons (Slack ChatOps): a click reaches the slack-chatops endpoint as a signed block_actions request. */
export interface ActionsBlock {
  type: "actions";
  block_id: string;
  elements: {
    type: "button";
    text: { type: "plain_text"; text: string };
    action_id: string;
    value: string;
    style?: "primary" | "danger";
  }[];
}

export const SEVERITY_COLOUR: Record<Severity, string> = {
  info: "#2eb886",
  warn: "#daa038",
  critical: "#a30200",
};

const SEVERITY_ICON: Record<Severity, string> = {
  info: ":large_green_circle:",
  warn: ":warning:",
  critical: ":rotating_light:",
};

/**
 * Slack mrkdwn reads `<...>` as markup: `<!channel>`, `<!here>`, `<@U123>` notify people and
 * `<https://evil|click>` shows a label over any address. Text we did not write ourselves (alarm names and
 * reasons, override authors and reasons, invokers, certificate domains, canary authors) can hold these, so
 * every mrkdwn text goes through here, once, in the builders below: `&`, `<`, `>` become `&amp;`, `&lt;`,
 * `&gt;` (the only escaping Slack decodes) and show literally. Our own formatting (`*bold*`, `` `code` ``,
 * `_italic_`) uses none of the three, so it keeps working. Escaping twice shows `&amp;lt;`: builders
 * escape, renderers never do. A link we build ourselves would need its own builder, never raw `<...>`.
 * @example escapeMrkdwn("x <!channel> <https://evil|click> & co") ->
 *   "x &lt;!channel&gt; &lt;https://evil|click&gt; &amp; co"
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Escaped text cut to Slack's limit without splitting an entity (`&am` would show as text). */
function escapedWithin(text: string, limit: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= limit) return escaped;
  const cut = escaped.slice(0, limit);
  const amp = cut.lastIndexOf("&");
  return amp >= 0 && !cut.slice(amp).includes(";") ? cut.slice(0, amp) : cut;
}

/**
 * A whole message. `text` is the notification and fallback line, which Slack also reads as mrkdwn, so it
 * is escaped here like the blocks are.
 */
export function chatMessage(text: string, severity: Severity, blocks: Block[]): ChatMessage {
  return { text: escapedWithin(text, 40_000), severity, blocks };
}

/** plain_text: Slack renders no mentions or links in it, so it is not escaped (it would show `&lt;`). */
export function header(text: string): Block {
  return { type: "header", text: { type: "plain_text", text: text.slice(0, 150) } };
}

export function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: escapedWithin(text, 3000) } };
}

/** Slack allows at most 10 fields per section, 2,000 characters each. */
export function fields(pairs: [string, string][]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < pairs.length; i += 10) {
    blocks.push({
      type: "section",
      fields: pairs
        .slice(i, i + 10)
        .map(([k, v]) => ({ type: "mrkdwn", text: escapedWithin(`*${k}*\n${v}`, 2000) })),
    });
  }
  return blocks;
}

export function context(text: string): Block {
  return { type: "context", elements: [{ type: "mrkdwn", text: escapedWithin(text, 3000) }] };
}

export function severityPrefix(severity: Severity): string {
  return SEVERITY_ICON[severity];
}
