/**
 * Renders the recorded Slack Web API calls the way Slack shows them: the message text, then the
 * attachment with its colour bar holding the Block Kit blocks (header, sections with fields, context,
 * divider); thread replies under their root; chat.update replaces the root's content and marks it edited.
 */

import { EMOJI } from "../emoji";
import type { SlackEntry } from "../timeline";
import { esc } from "./html";

interface Message {
  entry: SlackEntry;
  /** true: chat.update; "answered": replaced by a button's answer (response_url). */
  edited: boolean | "answered";
  replies: SlackEntry[];
}

export function renderSlackChannel(channel: string, entries: readonly SlackEntry[]): string {
  const roots: Message[] = [];
  const byTs = new Map<string, Message>();
  for (const entry of entries) {
    const threadTs = typeof entry.body.thread_ts === "string" ? entry.body.thread_ts : undefined;
    // A button's answer replaces the message it sat on (Slack ChatOps): shown like an edit.
    const replaces = entry.method === "response_url" && entry.body.replace_original === true;
    if (entry.method === "chat.update" || replaces) {
      const root = byTs.get(entry.ts);
      if (root) {
        root.entry = { ...entry, time: root.entry.time };
        root.edited = replaces ? "answered" : true;
      }
    } else if (entry.method === "chat.postMessage" && threadTs !== undefined && byTs.has(threadTs)) {
      byTs.get(threadTs)?.replies.push(entry);
    } else if (entry.method === "chat.postMessage") {
      const message = { entry, edited: false, replies: [] };
      roots.push(message);
      byTs.set(entry.ts, message);
    }
  }
  const body = roots
    .map((m) => {
      const replies =
        m.replies.length === 0
          ? ""
          : `<div class="thread"><div class="thread-count">${m.replies.length} ${m.replies.length === 1 ? "reply" : "replies"}</div>${m.replies.map((r) => renderMessage(r, false)).join("")}</div>`;
      return `<div class="slack-root">${renderMessage(m.entry, m.edited)}${replies}</div>`;
    })
    .join("");
  return `<div class="slack"><div class="slack-channel"># ${esc(channel.replace(/^#/, ""))}</div>${body || '<p class="empty">No messages.</p>'}</div>`;
}

function renderMessage(entry: SlackEntry, edited: boolean | "answered"): string {
  const attachments = Array.isArray(entry.body.attachments) ? entry.body.attachments : [];
  const rendered = attachments
    .map((a: { color?: string; blocks?: unknown[] }) => {
      const colour = typeof a.color === "string" ? a.color : "#dddddd";
      return `<div class="attachment" style="border-left-color:${esc(colour)}">${(a.blocks ?? []).map(renderBlock).join("")}</div>`;
    })
    .join("");
  const topBlocks = Array.isArray(entry.body.blocks) ? entry.body.blocks.map(renderBlock).join("") : "";
  return `<div class="slack-message" data-method="${esc(entry.method)}">
<div class="avatar">TA</div>
<div class="content"><div class="meta"><b>traffic-autopilot</b> <span class="app">APP</span> <span class="time">${esc(entry.time)}</span>${edited === "answered" ? ' <span class="edited">(answered from Slack: its buttons were pressed)</span>' : edited ? ' <span class="edited">(edited)</span>' : ""}</div>
<div class="text">${mrkdwn(String(entry.body.text ?? ""))}</div>${topBlocks}${rendered}</div></div>`;
}

function renderBlock(block: unknown): string {
  const b = block as {
    type?: string;
    text?: { text?: string };
    fields?: { text?: string }[];
    elements?: { text?: string | { text?: string } }[];
  };
  switch (b.type) {
    case "header":
      return `<div class="block-header">${esc(b.text?.text ?? "")}</div>`;
    case "section": {
      const text = b.text?.text ? `<div class="block-section">${mrkdwn(b.text.text)}</div>` : "";
      const fields = b.fields?.length
        ? `<div class="block-fields">${b.fields.map((f) => `<div class="field">${mrkdwn(f.text ?? "")}</div>`).join("")}</div>`
        : "";
      return text + fields;
    }
    case "context":
      return `<div class="block-context">${(b.elements ?? []).map((e) => mrkdwn(typeof e.text === "string" ? e.text : "")).join(" ")}</div>`;
    case "divider":
      return '<hr class="block-divider"/>';
    case "actions":
      return `<div class="block-actions">${(b.elements ?? []).map((e) => `<span class="block-button" style="display:inline-block;border:1px solid #bbb;border-radius:4px;padding:2px 10px;margin:4px 6px 0 0;font-weight:600">${esc((e as { text?: { text?: string } }).text?.text ?? "")}</span>`).join("")}</div>`;
    default:
      return "";
  }
}

/** Slack's mrkdwn subset: *bold*, _italic_, ~strike~, `code`, ```blocks```, <url|label>, :emoji:, &lt; &gt; &amp;. */
export function mrkdwn(text: string): string {
  let html = esc(text);
  html = html.replace(/```([\s\S]*?)```/g, (_, code: string) => `<pre>${code}</pre>`);
  html = html.replace(/`([^`\n]+)`/g, "<code>$1</code>");
  html = html.replace(/&lt;(https?:[^|&]+)\|([^&]+)&gt;/g, '<a href="$1">$2</a>');
  html = html.replace(/(^|[\s(])\*([^*\n]+)\*/g, "$1<b>$2</b>");
  html = html.replace(/(^|[\s(])_([^_\n]+)_/g, "$1<i>$2</i>");
  html = html.replace(/(^|[\s(])~([^~\n]+)~/g, "$1<s>$2</s>");
  html = html.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
  // Slack shows its three escapes as the characters (`&lt;` -> "<"); esc() above escaped them once more.
  html = html.replace(/&amp;(amp|lt|gt);/g, "&$1;");
  return html.replaceAll("\n", "<br/>");
}
