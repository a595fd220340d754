import { Command } from "commander";
import { problemReport } from "../../shared/config/config-problems";
import { loadStageFile } from "../../shared/config/stage-file";
import { InvalidConfigError } from "../../shared/errors";
import { EXIT } from "../exit-codes";
import { REPO_ROOT } from "../invoke/session";
import type { CliContext } from "./context";

/**
 * `autopilot config check [--stage S]`: validates config/<S>.yml as `serverless package` and every cold
 * start do (default: sandbox, serverless's default stage) and prints every problem once. Offline.
 */
export function configCommand(ctx: CliContext): Command {
  const config = new Command("config").description("check a stage file (offline)");
  config.addCommand(
    new Command("check")
      .description("validate config/<stage>.yml; every problem once, with suggestions; exit 2 if any")
      .option("--stage <stage>", "the stage to check (config/<stage>.yml)", "sandbox")
      .action((options: { stage: string }) => {
        try {
          const stage = loadStageFile(options.stage, REPO_ROOT);
          const automations = ["originBalancer", "flowControl", "certRotation", "canary"].filter(
            (key) => stage[key as keyof typeof stage] !== undefined,
          );
          ctx.io.out(`config/${options.stage}.yml: ok (${automations.join(", ") || "no automation"})\n`);
        } catch (error) {
          if (!(error instanceof InvalidConfigError)) throw error;
          ctx.io.err(problemReport(error.source, error.problems));
          ctx.exit(EXIT.invalid);
        }
      }),
  );
  return config;
}
