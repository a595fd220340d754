import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { UsageError } from "./types";

/** The repository root: `npm start -- --keep` runs there and writes the session file under it. */
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Where `npm start -- --keep` leaves the running sandbox's coordinates for `autopilot --local`. */
export const DEFAULT_SESSION_FILE = path.join(REPO_ROOT, ".sandbox", "session.json");

/** Only loopback: a session file must never be able to point the CLI's fake credentials elsewhere. */
const loopbackUrl = z
  .string()
  .url()
  .refine((url) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname), {
    message: "must be a loopback URL (127.0.0.1, localhost or [::1])",
  });

/**
 * A running local sandbox: moto's URL, the Slack sink's Web API base URL, the stage file the sandbox
 * seeded from (absolute, or relative to the repository root) and the region.
 *
 * @example {"motoUrl":"http://127.0.0.1:40123","slackApiUrl":"http://127.0.0.1:40124/api/",
 *           "configFile":"/tmp/autopilot-sandbox-x/sandbox.yml","region":"eu-west-1"}
 */
export const sandboxSessionSchema = z.object({
  motoUrl: loopbackUrl,
  slackApiUrl: loopbackUrl,
  configFile: z.string().min(1),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region like eu-west-1"),
  /** The Run Command stand-in in front of moto's SSM (absent when the sandbox runs no HAProxy fleet). */
  runCommandUrl: loopbackUrl.optional(),
});

export type SandboxSession = z.infer<typeof sandboxSessionSchema>;

export function readSession(file: string = DEFAULT_SESSION_FILE): SandboxSession {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `no sandbox session at ${file}: start one with \`npm start -- --keep\` or pass --session PATH`,
      { cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`sandbox session ${file} is not valid JSON`, { cause: error });
  }
  const result = sandboxSessionSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new UsageError(`sandbox session ${file} is invalid: ${problems.join("; ")}`);
  }
  const session = result.data;
  return { ...session, configFile: path.resolve(REPO_ROOT, session.configFile) };
}

/** For the sandbox launcher: writes the session file the CLI reads (directory created as needed). */
export function writeSession(session: SandboxSession, file: string = DEFAULT_SESSION_FILE): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(sandboxSessionSchema.parse(session), null, 2)}\n`);
}
