import { Command } from "commander";
import { EXIT } from "../exit-codes";
import type { CliContext } from "./context";

/**
 * `autopilot backtest ...`: the balancer backtest, with its own options passed through untouched
 * (`autopilot backtest --help` prints them). Offline: it invokes nothing.
 */
export function backtestCommand(ctx: CliContext): Command {
  return new Command("backtest")
    .description("replay a CloudFront trace through the balancer policy (options: autopilot backtest --help)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .argument("[options...]", "the backtest's own options")
    .action((args: string[]) => {
      // Loaded on demand (require: the launcher runs the CLI as CommonJS); other commands do not need it.
      const { main } = require("../../tools/backtest/cli") as typeof import("../../tools/backtest/cli");
      // Its help and exit codes as an autopilot command: 3 for a failure, like every other command.
      const result = main(args, { name: "autopilot backtest", failedExit: EXIT.failed });
      ctx.io.out(result.stdout);
      ctx.io.err(result.stderr);
      ctx.exit(result.exitCode);
    });
}
