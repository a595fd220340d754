import { MissingEnvironmentError } from "../errors";

/** Every environment variable the functions read, read here and nowhere else. */
export interface FunctionEnvironment {
  stage: string;
  /** The compiled stage config (JSON written at package time), relative to the working directory (the bundle root in Lambda). */
  configFile: string;
  /** Set only in the local sandbox: the Slack Web API base URL (a local sink). */
  slackApiUrl?: string;
  logLevel: "debug" | "info" | "warn" | "error";
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): FunctionEnvironment {
  const missing: string[] = [];
  const stage = env.STAGE;
  if (stage === undefined || stage === "") missing.push("STAGE");
  const logLevel = env.LOG_LEVEL ?? "info";
  if (!["debug", "info", "warn", "error"].includes(logLevel))
    missing.push("LOG_LEVEL (debug|info|warn|error)");
  if (missing.length > 0) throw new MissingEnvironmentError(missing);
  return {
    stage: stage as string,
    configFile: env.CONFIG_FILE ?? `.build/config/${stage}.json`,
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    logLevel: logLevel as FunctionEnvironment["logLevel"],
  };
}
