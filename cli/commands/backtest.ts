import { Command } from "commander";
import { EXIT } from "../exit-codes";
import { historyCommand, wantsHistory } from "./backtest-history";
import type { CliContext } from "./context";

/**
 * `autopilot backtest ...`: the balancer backtest, with its own options passed through untouched
 * (`autopilot backtest --help` prints them). Offline: it invokes nothing. With --stage, --pool and
 * --days it replays that pool's own history read from CloudWatch (backtest-history.ts).
 */
export function backtestCommand(ctx: CliContext): Command {
  return new Command("backtest")
    .description("replay a CloudFront trace through the balancer policy (options: autopilot backtest --help)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .argument("[options...]", "the backtest's own options")
    .action(async (args: string[], _options: unknown, command: Command) => {
      // --stage/--pool/--days: replay the pool's own CloudWatch history (before or after the name).
      const programStage = command.parent?.opts<{ stage?: string }>().stage;
      if (wantsHistory(args) || programStage !== undefined) {
        const history = historyCommand(ctx, programStage)
          .exitOverride()
          .configureOutput({ writeOut: (text) => ctx.io.out(text), writeErr: (text) => ctx.io.err(text) })
          .showHelpAfterError("(add --help for usage)");
        await history.parseAsync(args, { from: "user" });
        return;
      }
      // Loaded on demand (require: the launcher runs the CLI as CommonJS); other commands do not need it.
      const { main } = require("../../tools/backtest/cli") as typeof import("../../tools/backtest/cli");
      // Its help and exit codes as an autopilot command: 3 for a failure, like every other command.
      const result = main(args, { name: "autopilot backtest", failedExit: EXIT.failed });
      ctx.io.out(result.stdout);
      ctx.io.err(result.stderr);
      ctx.exit(result.exitCode);
    });
}
