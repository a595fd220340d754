import type { ActionsBlock, Block, ChatMessage } from "./chat-message";

/** The block all our buttons live in: an answered message loses it, so a button is pressed once. */
export const ACTIONS_BLOCK_ID = "autopilot-actions";

/** What each button asks for; the value carries the plan id or "<automation>/<target>". */
export const BUTTON_ACTIONS = {
  approve: "autopilot-approve",
  reject: "autopilot-reject",
  pauseHour: "autopilot-pause-1h",
  resume: "autopilot-resume",
} as const;

const button = (
  text: string,
  action_id: string,
  value: string,
  style?: "primary" | "danger",
): ActionsBlock["elements"][number] => ({
  type: "button",
  text: { type: "plain_text", text },
  action_id,
  value,
  ...(style ? { style } : {}),
});

/** Approve / Reject under a message announcing a pending plan (balancer weights or a rotation). */
export function planButtons(planId: string): ActionsBlock {
  return {
    type: "actions",
    block_id: ACTIONS_BLOCK_ID,
    elements: [
      button("Approve", BUTTON_ACTIONS.approve, planId, "primary"),
      button("Reject", BUTTON_ACTIONS.reject, planId, "danger"),
    ],
  };
}

/** Pause 1 h / Resume under an ongoing incident's root (flow control: "flow-control", "web"). */
export function incidentButtons(automation: string, target: string): ActionsBlock {
  const value = `${automation}/${target}`;
  return {
    type: "actions",
    block_id: ACTIONS_BLOCK_ID,
    elements: [
      button("Pause 1 h", BUTTON_ACTIONS.pauseHour, value, "danger"),
      button("Resume", BUTTON_ACTIONS.resume, value),
    ],
  };
}

/** The message with the buttons appended (none: unchanged). */
export function withButtons(message: ChatMessage, actions: ActionsBlock | undefined): ChatMessage {
  return actions === undefined ? message : { ...message, blocks: [...message.blocks, actions] };
}

/**
 * The override request a button stands for, before the override function's own validation (the same
 * schema and checks as the CLI's). Unknown buttons or values are named, never guessed.
 *
 * @example ("autopilot-pause-1h", "flow-control/web", alice) ->
 *   { action: "pause", automation: "flow-control", target: "web", expiresInMinutes: 60, author: "alice", ... }
 */
export function buttonRequest(
  actionId: string,
  value: string,
  who: { author: string; reason: string },
): { ok: true; payload: Record<string, unknown> } | { ok: false; problem: string } {
  switch (actionId) {
    case BUTTON_ACTIONS.approve:
    case BUTTON_ACTIONS.reject:
      return {
        ok: true,
        payload: {
          action: actionId === BUTTON_ACTIONS.approve ? "approve" : "reject",
          planId: value,
          ...who,
        },
      };
    case BUTTON_ACTIONS.pauseHour:
    case BUTTON_ACTIONS.resume: {
      const slash = value.indexOf("/");
      if (slash <= 0 || slash === value.length - 1) {
        return { ok: false, problem: `button value "${value.slice(0, 80)}" is not <automation>/<target>` };
      }
      const scope = { automation: value.slice(0, slash), target: value.slice(slash + 1) };
      return {
        ok: true,
        payload:
          actionId === BUTTON_ACTIONS.pauseHour
            ? { action: "pause", ...scope, expiresInMinutes: 60, ...who }
            : { action: "resume", ...scope, ...who },
      };
    }
    default:
      return { ok: false, problem: `unknown button "${actionId.slice(0, 80)}"` };
  }
}

/**
 * The message after a button was answered: the same blocks without the buttons, plus one line saying
 * who did what, so the channel shows the outcome where the question was asked.
 * @example [section "plan: would move load off", actions] + "✅ approved by alice" ->
 *   [section "plan: would move load off", context "✅ approved by alice"]
 */
export function answeredBlocks(blocks: readonly unknown[], line: string): Block[] {
  const kept = blocks.filter((block) => (block as { type?: unknown } | null)?.type !== "actions") as Block[];
  return [...kept, { type: "context", elements: [{ type: "mrkdwn", text: line.slice(0, 3000) }] }];
}

/**
 * The buttons an ongoing incident's root carries. Flow control only: pausing it is what a human reading
 * an incident needs at 3 a.m.; a rotation or a canary thread has its own commands (`/autopilot`).
 * @example "flow-control/web" -> Pause 1 h / Resume on flow-control web; "cert-rotation/iot/rot-1" -> none
 */
export function incidentRootButtons(incidentKey: string): ActionsBlock | undefined {
  const prefix = "flow-control/";
  if (!incidentKey.startsWith(prefix) || incidentKey.length === prefix.length) return undefined;
  return incidentButtons("flow-control", incidentKey.slice(prefix.length));
}
