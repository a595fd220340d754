import { Command, CommanderError } from "commander";
import { planDecisionCommand } from "./commands/approve";
import { backtestCommand } from "./commands/backtest";
import { configCommand } from "./commands/config";
import type { CliContext, CliIo } from "./commands/context";
import { doctorCommand } from "./commands/doctor";
import { overrideCommand } from "./commands/override";
import { plansCommand } from "./commands/plans";
import { redriveCommand } from "./commands/redrive";
import { statusCommand } from "./commands/status";
import { withConnection } from "./connection";
import { EXIT, errorLine, exitCodeOf } from "./exit-codes";

/**
 * `autopilot`: the operator's command line. It invokes the deployed status and override functions (or
 * the local sandbox with --local) and prints tables, or the raw JSON with --json.
 *
 * Exit codes: 0 ok, 1 refused, 2 invalid input or usage (nothing stored), 3 invocation or AWS error.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("autopilot")
    .description("Operator control for traffic-autopilot: status, overrides, plans, backtest")
    // Connection options may come before the command (program) or after it (the command's own copy);
    // positional parsing keeps `backtest`'s own options (--json...) away from the program.
    .enablePositionalOptions()
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 refused by the function, 2 invalid input or usage (nothing stored), 3 invocation or AWS error.",
    );
  withConnection(program);
  program.addCommand(statusCommand(ctx));
  program.addCommand(overrideCommand(ctx));
  program.addCommand(plansCommand(ctx));
  program.addCommand(planDecisionCommand(ctx, "approve"));
  program.addCommand(planDecisionCommand(ctx, "reject"));
  program.addCommand(backtestCommand(ctx));
  program.addCommand(doctorCommand(ctx));
  program.addCommand(redriveCommand(ctx));
  program.addCommand(configCommand(ctx));
  // addCommand() does not pass settings down (only .command() does): every command must throw
  // instead of exiting, and write through ctx.io, so the exit codes below hold everywhere.
  const configure = (command: Command) => {
    command
      .exitOverride()
      .configureOutput({ writeOut: (text) => ctx.io.out(text), writeErr: (text) => ctx.io.err(text) })
      .showHelpAfterError("(add --help for usage)");
    for (const sub of command.commands) configure(sub);
  };
  configure(program);
  return program;
}

/** Runs the CLI on `argv` (arguments only) and returns the exit code; output goes through `io`. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram({ io, exit: (c) => (code = c) });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    // Commander has already printed its own message (or the help text).
    if (!(error instanceof CommanderError)) io.err(`autopilot: ${errorLine(error)}\n`);
    return exitCodeOf(error);
  }
}
