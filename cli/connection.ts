import { readFileSync } from "node:fs";
import path from "node:path";
import { type Command, Option } from "commander";
import { parseStageConfig } from "../shared/config/stage-config";
import { osUser } from "./invoke/os-user";
import { REPO_ROOT, readSession } from "./invoke/session";
import { type FunctionInvoker, UsageError } from "./invoke/types";

/** Options every invoking command takes, before or after its name (`autopilot --local status --json`). */
export interface ConnectionOptions {
  stage?: string;
  region?: string;
  local?: boolean;
  session?: string;
  json?: boolean;
}

export function withConnection(command: Command): Command {
  return command
    .addOption(new Option("--stage <stage>", "deployed stage to invoke (traffic-autopilot-<stage>-*)"))
    .addOption(
      new Option("--region <region>", "AWS region (default: AWS_REGION, else the stage file's region)"),
    )
    .addOption(new Option("--local", "talk to the local sandbox (npm start -- --keep) instead of AWS"))
    .addOption(
      new Option(
        "--session <path>",
        "sandbox session file (default: .sandbox/session.json in the repository)",
      ),
    )
    .addOption(new Option("--json", "print the function's raw JSON answer (for scripts)"));
}

/** Builds the invoker the options ask for; a missing stage or session is a usage error (exit 2). */
export async function invokerFor(options: ConnectionOptions): Promise<FunctionInvoker> {
  // Loaded on demand (require: the launcher runs the CLI as CommonJS): the local invoker pulls in every
  // function's code, the AWS one the SDK clients; --help and usage errors need neither.
  if (options.local || options.session !== undefined) {
    const { createLocalInvoker } =
      require("./invoke/local-invoker") as typeof import("./invoke/local-invoker");
    return createLocalInvoker(readSession(options.session), `${osUser()} (local sandbox)`);
  }
  const stage = options.stage ?? process.env.AUTOPILOT_STAGE;
  if (stage === undefined || stage === "") {
    throw new UsageError("say where to send it: --stage <stage> (or AUTOPILOT_STAGE), or --local");
  }
  const region =
    options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? stageRegion(stage);
  if (region === undefined) {
    throw new UsageError(`no region: pass --region, set AWS_REGION, or add config/${stage}.yml`);
  }
  const { createLambdaFunctionInvoker } =
    require("./invoke/lambda-invoker") as typeof import("./invoke/lambda-invoker");
  const { awsCaller } = require("./invoke/caller") as typeof import("./invoke/caller");
  return createLambdaFunctionInvoker({ stage, region, caller: await awsCaller(region) });
}

/** The stage file's region, when the CLI runs from a checkout that has it. */
function stageRegion(stage: string): string | undefined {
  const file = path.join(REPO_ROOT, "config", `${stage}.yml`);
  try {
    return parseStageConfig(readFileSync(file, "utf8"), file).region;
  } catch {
    return undefined;
  }
}
