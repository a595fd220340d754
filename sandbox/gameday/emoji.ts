/** The Slack emoji shortcodes our messages use, as the characters Slack shows for them. */
export const EMOJI: Record<string, string> = {
  large_green_circle: "🟢",
  warning: "⚠️",
  rotating_light: "🚨",
  no_entry_sign: "🚫",
  raised_hand: "✋",
  white_check_mark: "✅",
};

/**
 * Replaces the shortcodes we know (`:raised_hand:`) by their characters, for the terminal and the report;
 * an unknown one stays as typed. @example "ENGAGED :rotating_light: web" -> "ENGAGED 🚨 web"
 */
export function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

/**
 * Message texts as check evidence: empty ones left out, each cut at a word boundary with an ellipsis.
 * @example ["", "released web after 4 min of normal CPU"] (max 20) -> "1 message: released web after 4…"
 */
export function messageEvidence(texts: readonly string[], max = 80): string {
  const said = texts.map((t) => t.trim()).filter((t) => t !== "");
  const cut = (t: string) => {
    const text = emojify(t).replace(/\s+/g, " ");
    if (text.length <= max) return text;
    const space = text.lastIndexOf(" ", max);
    return `${text.slice(0, space > max / 2 ? space : max)}…`;
  };
  return `${said.length} message${said.length === 1 ? "" : "s"}: ${said.map(cut).join(" | ")}`;
}
