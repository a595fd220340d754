import { readFileSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { parseStageConfig, type StageConfig } from "../../shared/config/stage-config";
import { doctorExitCode, renderResultLine } from "../../shared/doctor/domain/types";
import { type ConnectionOptions, withConnection } from "../connection";
import { REPO_ROOT, readSession } from "../invoke/session";
import { UsageError } from "../invoke/types";
import type { CliContext } from "./context";
import { json } from "./context";

interface DoctorOptions extends ConnectionOptions {
  config?: string;
}

function loadConfig(file: string): StageConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the stage file ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseStageConfig(text, file);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/**
 * `autopilot doctor`: a read-only preflight of every configured automation against the account, with
 * the caller's credentials. Exit 0 all PASS, 1 warnings only, 2 a failure or bad input, 3 doctor itself
 * could not run.
 */
export function doctorCommand(ctx: CliContext): Command {
  return withConnection(new Command("doctor"))
    .description("check, read-only, that the stage file matches the account before turning automation on")
    .option("--config <file>", "stage file (default: config/<stage>.yml in the repository)")
    .addHelpText(
      "after",
      "\nOne line per check: PASS, WARN or FAIL with the fix. Exit codes: 0 all pass, 1 warnings only, 2 a failure or invalid input.",
    )
    .action(async (_options: DoctorOptions, command: Command) => {
      const options = command.optsWithGlobals<DoctorOptions>();
      // Loaded on demand: --help and usage errors need no SDK.
      // (require: the launcher runs the CLI as CommonJS, like the other commands' lazy loads).
      const { doctorClients, destroyClients } =
        require("../doctor/clients") as typeof import("../doctor/clients");
      const { runDoctor } = require("../doctor/run-doctor") as typeof import("../doctor/run-doctor");
      let config: StageConfig;
      let clients: ReturnType<typeof doctorClients>;
      if (options.local || options.session !== undefined) {
        const session = readSession(options.session);
        config = loadConfig(options.config ?? session.configFile);
        // Only the sandbox's loopback URLs and fake credentials: --local can never reach an account.
        clients = doctorClients(
          {
            region: session.region,
            endpoint: session.motoUrl,
            credentials: { accessKeyId: "sandbox", secretAccessKey: "sandbox" },
          },
          session.slackApiUrl,
        );
      } else {
        const stage = options.stage ?? process.env.AUTOPILOT_STAGE;
        if (!stage)
          throw new UsageError("say which stage to check: --stage <stage> (or AUTOPILOT_STAGE), or --local");
        config = loadConfig(options.config ?? path.join(REPO_ROOT, "config", `${stage}.yml`));
        if (config.stage !== stage) {
          throw new UsageError(`the stage file is for stage ${config.stage}, not ${stage}`);
        }
        const region =
          options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? config.region;
        clients = doctorClients({ region });
      }
      try {
        const results = await runDoctor(config, clients, new Date());
        ctx.io.out(
          options.json
            ? json({ stage: config.stage, exitCode: doctorExitCode(results), results })
            : `${results.map(renderResultLine).join("\n")}\n${summary(results)}\n`,
        );
        ctx.exit(doctorExitCode(results));
      } finally {
        destroyClients(clients);
      }
    });
}

function summary(results: readonly { status: string }[]): string {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  return `${results.length} checks: ${count("PASS")} pass, ${count("WARN")} warn, ${count("FAIL")} fail`;
}
