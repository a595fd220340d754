import { Command } from "commander";
import type { StatusDocument } from "../../shared/status/domain/types";
import { withConnection } from "../connection";
import { EXIT } from "../exit-codes";
import { renderPlans } from "../render/status";
import { type CliContext, invoke, json } from "./context";

/** `autopilot plans`: the stored plans waiting for approval (read through the status function). */
export function plansCommand(ctx: CliContext): Command {
  return withConnection(new Command("plans"))
    .description("list plans waiting for approval (approve with `autopilot approve <id>`)")
    .option("--all", "also list approved, applied, superseded and expired plans")
    .action(async (options: { all?: boolean }, command: Command) => {
      const { body, options: merged } = await invoke(command, "status", {}, ctx.invoker);
      const { plans } = body as StatusDocument;
      if (!Array.isArray(plans)) {
        ctx.io.err(`autopilot: could not read the plans: ${plans.error}\n`);
        ctx.exit(EXIT.failed);
        return;
      }
      const shown = options.all ? plans : plans.filter((p) => p.status === "pending" && !p.expired);
      ctx.io.out(merged.json ? json(shown) : renderPlans(shown));
    });
}
