import { Command, Option } from "commander";
import type { StatusDocument } from "../../shared/status/domain/types";
import { withConnection } from "../connection";
import { renderStatus } from "../render/status";
import { type CliContext, invoke, json } from "./context";

/** `autopilot status`: one document with every automation's state, overrides and plans. */
export function statusCommand(ctx: CliContext): Command {
  return withConnection(new Command("status"))
    .description("show every automation's state, the active overrides and the pending plans (read-only)")
    .addOption(
      new Option("--automation <name>", "only this automation").choices([
        "origin-balancer",
        "flow-control",
        "cert-rotation",
        "canary",
      ]),
    )
    .option("--target <name>", "only this pool, fleet, pair or canary (with --automation)")
    .action(async (options: { automation?: string; target?: string }, command: Command) => {
      const payload = {
        ...(options.automation ? { automation: options.automation } : {}),
        ...(options.target ? { target: options.target } : {}),
      };
      const { body, options: merged } = await invoke(command, "status", payload, ctx.invoker);
      ctx.io.out(merged.json ? json(body) : renderStatus(body as StatusDocument));
    });
}
