import { Command } from "commander";
import type { CliContext } from "./context";
import { sendOverride } from "./override";
import { type WhoOptions, whoFields, withWho } from "./override-options";

/** `autopilot approve <id>` / `autopilot reject <id>`: decide on a stored plan (see `autopilot plans`). */
export function planDecisionCommand(ctx: CliContext, action: "approve" | "reject"): Command {
  return withWho(new Command(action))
    .description(
      action === "approve"
        ? "approve a pending plan: it is checked against the world as it is now, then applied"
        : "reject a pending plan: it is marked superseded and never applied",
    )
    .argument("<id>", "the plan id (autopilot plans)")
    .action(async function (this: Command, planId: string, options: WhoOptions) {
      await sendOverride(ctx, this, { action, planId, ...whoFields(options) });
    });
}
