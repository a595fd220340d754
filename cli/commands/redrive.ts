import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { createSqsClient } from "../../shared/adapters/aws/clients/sqs";
import { createSqsFailedEventQueue } from "../../shared/adapters/aws/sqs-failed-event-queue";
import { parseStageConfig } from "../../shared/config/stage-config";
import { failedEventsQueueName } from "../../shared/runtime/failed-events-queue";
import {
  DEFAULT_REDRIVE_MAX,
  type RedriveReport,
  redriveFailedEvents,
} from "../../shared/watchdog/redrive-failed-events";
import { type ConnectionOptions, withConnection } from "../connection";
import { EXIT } from "../exit-codes";
import { readSession } from "../invoke/session";
import { UsageError } from "../invoke/types";
import { table } from "../render/table";
import { type CliContext, json } from "./context";

/**
 * `autopilot redrive`: after a fix, replays the failed events waiting in the stage's on-failure queue
 * through their functions (synchronously: the same validation and idempotency rules), deleting each
 * message only once its replay succeeded. Exit 1 when some stay in the queue (each says why).
 */
export function redriveCommand(ctx: CliContext): Command {
  return withConnection(new Command("redrive"))
    .description(
      "replay the failed events of the on-failure queue after a fix; each is deleted once replayed",
    )
    .addOption(
      new Option("--max <count>", "replay at most this many events").default(String(DEFAULT_REDRIVE_MAX)),
    )
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ConnectionOptions & { max: string }>();
      const max = Number(options.max);
      if (!Number.isInteger(max) || max < 1 || max > 10_000) {
        throw new UsageError(`--max must be a whole number from 1 to 10000, not ${options.max}`);
      }
      const report = await redriveFailedEvents(...(await connect(options)), max);
      ctx.io.out(options.json ? json(report) : renderRedrive(report));
      if (report.events.some((e) => e.outcome !== "replayed")) ctx.exit(EXIT.refused);
    });
}

async function connect(options: ConnectionOptions) {
  if (options.local || options.session !== undefined) {
    const session = readSession(options.session);
    const stage = parseStageConfig(readFileSync(session.configFile, "utf8"), session.configFile).stage;
    // Loaded on demand, like the other commands' invokers: --help needs none of the functions' code.
    const { pointAtSandbox } = await import("../invoke/local-invoker");
    const { createLocalReplayer } = await import("../invoke/replayers");
    pointAtSandbox(session, stage);
    const sqs = createSqsClient({ region: session.region, endpoint: session.motoUrl });
    return [
      createSqsFailedEventQueue(sqs, failedEventsQueueName(stage)),
      createLocalReplayer(stage),
    ] as const;
  }
  const stage = options.stage ?? process.env.AUTOPILOT_STAGE;
  if (stage === undefined || stage === "")
    throw new UsageError("say which stage: --stage <stage>, or --local");
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (region === undefined) throw new UsageError("no region: pass --region or set AWS_REGION");
  const { createLambdaReplayer } = await import("../invoke/replayers");
  const queue = createSqsFailedEventQueue(createSqsClient({ region }), failedEventsQueueName(stage));
  return [queue, createLambdaReplayer(region)] as const;
}

export function renderRedrive(report: RedriveReport): string {
  if (report.events.length === 0) return `nothing to redrive: ${report.queue} is empty\n`;
  const replayed = report.events.filter((e) => e.outcome === "replayed").length;
  const head = `${replayed} of ${report.events.length} replayed from ${report.queue}; the others stay in the queue\n`;
  return (
    head +
    table(
      ["function", "outcome", "detail"],
      report.events.map((e) => [e.function, e.outcome, e.detail]),
    )
  );
}
