import type { Severity } from "../decision";

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

export function header(text: string): Block {
  return { type: "header", text: { type: "plain_text", text: text.slice(0, 150) } };
}

export function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: text.slice(0, 3000) } };
}

/** Slack allows at most 10 fields per section, 2,000 characters each. */
export function fields(pairs: [string, string][]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < pairs.length; i += 10) {
    blocks.push({
      type: "section",
      fields: pairs
        .slice(i, i + 10)
        .map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${v}`.slice(0, 2000) })),
    });
  }
  return blocks;
}

export function context(text: string): Block {
  return { type: "context", elements: [{ type: "mrkdwn", text: text.slice(0, 3000) }] };
}

export function severityPrefix(severity: Severity): string {
  return SEVERITY_ICON[severity];
}
