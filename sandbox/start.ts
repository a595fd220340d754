/**
 * `npm start`: the game day. Brings up a local sandbox (moto, a Slack sink, HAProxy instances behind the
 * Run Command stand-in), creates the AWS side of config/sandbox.yml, plays a scenario through the real
 * Lambda handlers on an accelerated clock, checks every scene against real state, writes an HTML report,
 * and exits 0 only if every scene holds. Ctrl-C stops every process it started.
 *
 *   npm start -- [--scenario FILE.yml] [--report PATH] [--instances N] [--keep]
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { writeSession } from "../cli/invoke/session";
import { quietNodeSupportWarning } from "../cli/sdk-warning";
import { MissingDependencyError, runGameday } from "./gameday/run-gameday";
import { InvalidScenarioError, loadScenario } from "./gameday/scenario";
import type { RunningWorld } from "./gameday/world";
import { isSandboxLauncher, launcherChain, watchLaunchers } from "./servers/launcher-watch";

const root = path.resolve(__dirname, "..");
const sandboxDir = path.join(root, ".sandbox");
const defaultSessionFile = path.join(sandboxDir, "session.json");

const program = new Command()
  .name("npm start --")
  .description("Play a game day against a local sandbox with the real handlers.")
  .option(
    "--scenario <file>",
    "scenario YAML (format: README, Game day)",
    path.join(root, "sandbox/scenarios/default.yml"),
  )
  .option("--report <path>", "where to write the HTML report", path.join(sandboxDir, "gameday-report.html"))
  .option("--instances <n>", "local HAProxy instances (overrides the scenario)", (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 20) throw new InvalidArgumentError("an integer from 1 to 20");
    return n;
  })
  .option("--keep", "leave the sandbox up after the scenario (Ctrl-C, SIGTERM or SIGHUP stops it)", false)
  .option("--session <file>", "with --keep: where to write the session file", defaultSessionFile);

async function main(): Promise<number> {
  quietNodeSupportWarning();
  const options = program
    .parse()
    .opts<{ scenario: string; report: string; instances?: number; keep: boolean; session: string }>();
  const sessionFile = path.resolve(options.session);
  let world: RunningWorld | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (world?.stop() ?? Promise.resolve()).then(() => {
      if (options.keep) rmSync(sessionFile, { force: true });
    });
    return stopping;
  };
  // `on`, not `once`: a terminal's Ctrl-C reaches us twice (directly and relayed by tsx), and a second
  // signal without a handler would kill the process before the stop completes.
  const onSignal = (code: number) => () => {
    if (stopping === undefined) console.log("\ninterrupted: stopping every process the sandbox started...");
    void stopAll().then(() => process.exit(code));
  };
  process.on("SIGINT", onSignal(130));
  process.on("SIGTERM", onSignal(143));
  // A closed terminal sends SIGHUP; without a handler Node would exit at once and orphan moto and HAProxy.
  process.on("SIGHUP", onSignal(129));
  // `kill <npm pid>` never reaches this process (see launcher-watch.ts): stop when a launcher is gone.
  watchLaunchers(launcherChain(isSandboxLauncher("sandbox/start.ts")), onSignal(143));

  const scenario = loadScenario(path.resolve(options.scenario));
  const workdir = options.keep ? path.join(path.dirname(sessionFile), "stage") : undefined;
  if (workdir) mkdirSync(workdir, { recursive: true });
  const result = await runGameday({
    scenario,
    reportPath: path.resolve(options.report),
    keep: options.keep,
    ...(options.instances ? { instances: options.instances } : {}),
    ...(workdir ? { workdir } : {}),
    onWorld: (w) => {
      world = w;
    },
  });
  if (!options.keep || result.world === undefined) return result.passed ? 0 : 1;

  // The format `autopilot --local` reads (cli/invoke/session.ts).
  writeSession(
    {
      motoUrl: result.world.moto.url,
      slackApiUrl: result.world.slack.apiUrl,
      configFile: result.world.configFile,
      region: result.world.region,
      ...(result.world.fleet ? { runCommandUrl: result.world.fleet.standIn.url } : {}),
    },
    sessionFile,
  );
  console.log(
    `\nThe sandbox stays up; its coordinates are in ${path.relative(root, sessionFile)}. Try, in another terminal:`,
  );
  console.log("  npx autopilot --local status");
  console.log("  npx autopilot --local override --help");
  console.log("Press Ctrl-C here to stop every process it started.");
  // Held open until Ctrl-C: the SIGINT handler stops the world and exits.
  await new Promise<never>(() => undefined);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof InvalidScenarioError || error instanceof MissingDependencyError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
