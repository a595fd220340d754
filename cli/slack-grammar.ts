import { CommanderError } from "commander";
import type { FunctionInvoker } from "./invoke/types";
import { buildProgram } from "./main";

/** What `/autopilot <text>` asks for, read with the CLI's own grammar (same options, same checks). */
export type SlashReading =
  | { kind: "override"; payload: Record<string, unknown> }
  | { kind: "status" }
  | { kind: "help"; text: string }
  | { kind: "invalid"; problem: string };

/** Words `/autopilot` takes first; pin, pause, resume, force and clear are the CLI's `override ...`. */
const OVERRIDE_ACTIONS = new Set(["pin", "pause", "resume", "force", "clear"]);
const TOP_LEVEL = new Set(["approve", "reject", "status"]);

/** Options that only make sense in a terminal, or that Slack decides itself (the author comes from the allowlist). */
const REFUSED = ["--author", "--stage", "--region", "--local", "--session", "--json"];

export const SLASH_USAGE =
  'usage: /autopilot status | pin --pool P --weight id=n ... | pause --automation A [--target T] | resume --automation A [--target T] | force --fleet F --mode M | approve <plan-id> | reject <plan-id>, each with --reason "..." and, where it stores an override, --for 90m|2h|1d or --until <ISO time>; add --help to any of them';

/**
 * Reads a slash command's text with the CLI's commander program (`autopilot override pause ...`), with
 * an invoker that only records what would be sent: one grammar, one set of checks, and the payload then
 * goes through the override function's own validation like the CLI's does.
 *
 * @example "pause --automation flow-control --target web --for 1h --reason \"INC-7\"", author alice ->
 *   { action: "pause", automation: "flow-control", target: "web", expiresInMinutes: 60, author: "alice", reason: "INC-7" }
 */
export async function readSlashCommand(text: string, author: string): Promise<SlashReading> {
  const words = tokenize(text);
  if (!words.ok) return { kind: "invalid", problem: words.problem };
  const [first, ...rest] = words.value;
  if (first === undefined) return { kind: "invalid", problem: SLASH_USAGE };
  if (first === "status" && !rest.includes("--help")) return { kind: "status" };
  if (!OVERRIDE_ACTIONS.has(first) && !TOP_LEVEL.has(first)) {
    return { kind: "invalid", problem: `unknown command "${first.slice(0, 40)}"; ${SLASH_USAGE}` };
  }
  const refused = words.value.find((w) => REFUSED.some((r) => w === r || w.startsWith(`${r}=`)));
  if (refused !== undefined) {
    return { kind: "invalid", problem: `${refused.split("=")[0]} cannot be given from Slack` };
  }
  const argv = [...(OVERRIDE_ACTIONS.has(first) ? ["override"] : []), first, ...rest];
  const wantsHelp = rest.includes("--help") || rest.includes("-h");
  let sent: Record<string, unknown> | undefined;
  let printed = "";
  const recorder: FunctionInvoker = {
    target: "slack",
    async invoke(_fn, payload) {
      sent = payload as Record<string, unknown>;
      return { accepted: true, action: sent.action };
    },
  };
  const program = buildProgram({
    io: { out: (t) => (printed += t), err: (t) => (printed += t) },
    exit: () => undefined,
    invoker: recorder,
  });
  try {
    await program.parseAsync([...argv, ...(wantsHelp ? [] : ["--author", author])], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError && wantsHelp) return { kind: "help", text: slashHelp(printed) };
    const message = printed.trim() || (error instanceof Error ? error.message : String(error));
    return { kind: "invalid", problem: slashHelp(message.split("\n")[0] ?? message) };
  }
  if (sent === undefined) return { kind: "invalid", problem: SLASH_USAGE };
  return { kind: "override", payload: { ...sent, author } };
}

/** The CLI's words, with `autopilot override` read as the slash command. */
const slashHelp = (text: string) =>
  text.replace(/autopilot (override )?/g, "/autopilot ").replace(/error: /, "");

/**
 * Splits a command line like a shell would for our purposes: spaces separate, "double", 'single' and
 * Slack's typographic quotes group. An unclosed quote is named.
 */
export function tokenize(text: string): { ok: true; value: string[] } | { ok: false; problem: string } {
  const closing: Record<string, string> = { '"': '"', "'": "'", "“": "”", "”": "”", "‘": "’", "’": "’" };
  const words: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current = (current ?? "") + ch;
    } else if (ch in closing) {
      quote = closing[ch];
      current ??= "";
    } else if (/\s/.test(ch)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else current = (current ?? "") + ch;
  }
  if (quote !== undefined) return { ok: false, problem: "a quote is not closed" };
  if (current !== undefined) words.push(current);
  return words.length > 100 ? { ok: false, problem: "too many words" } : { ok: true, value: words };
}
