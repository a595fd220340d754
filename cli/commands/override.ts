import { Argument, Command, Option } from "commander";
import type { OverrideResponse } from "../../shared/overrides/apply-override";
import type { ConnectionOptions } from "../connection";
import { EXIT } from "../exit-codes";
import type { ScheduledAutomation } from "../invoke/types";
import { delegatedErrorLines, delegatedErrors } from "../render/delegated-errors";
import { renderOverrideResponse } from "../render/override";
import { type CliContext, invoke, json } from "./context";
import {
  collectWeight,
  parseCount,
  type WhoOptions,
  whoFields,
  withExpiry,
  withReplace,
  withWho,
} from "./override-options";
import { checkNow, nowOption, obeyingAutomations, runNowOrSay } from "./run-now";

const AUTOMATIONS = ["origin-balancer", "flow-control", "cert-rotation", "canary", "all"];

/**
 * Sends one override request and reports it; a refusal exits 1. An error anywhere in the run the function
 * delegated (converge, canary command, rotation) is said on stderr and exits 3, in text and JSON alike:
 * the request may be stored, but what it was for did not happen.
 */
export async function sendOverride(
  ctx: CliContext,
  command: Command,
  payload: Record<string, unknown>,
  obeyedBy: readonly ScheduledAutomation[] = [],
) {
  const now = command.opts<{ now?: boolean }>().now === true;
  checkNow({ ...command.optsWithGlobals<ConnectionOptions>(), now });
  const { body, options, invoker } = await invoke(command, "override", payload, ctx.invoker);
  const response = body as OverrideResponse;
  const errors = delegatedErrors(response?.result);
  const after =
    // A result means the function already ran the automation (a forced fleet is converged at once).
    response?.accepted === true && errors.length === 0 && response.result === undefined
      ? await runNowOrSay(invoker, obeyedBy, now)
      : { lines: [], errors: [] };
  const text = renderOverrideResponse(response);
  ctx.io.out(options.json ? json(response) : `${text}${after.lines.map((l) => `${l}\n`).join("")}`);
  errors.push(...after.errors);
  if (errors.length > 0) {
    ctx.io.err(delegatedErrorLines(errors));
    ctx.exit(EXIT.failed);
  } else if (response?.accepted !== true) ctx.exit(EXIT.refused);
}

const scoped = (command: Command) =>
  command
    .addOption(new Option("--automation <name>", "the automation").choices(AUTOMATIONS).makeOptionMandatory())
    .option("--target <name>", "one pool, fleet, pair or canary (default: every target)");

/** `autopilot override <action>`: take the wheel from an automation, always with a reason and an expiry. */
export function overrideCommand(ctx: CliContext): Command {
  const override = new Command("override").description(
    "pin, pause, force, resume or clear an automation; command a canary; rotate a pair now",
  );
  const send = <O>(action: string, extra: (options: O) => Record<string, unknown>) =>
    async function (this: Command, options: O & WhoOptions & { automation?: string }) {
      const obeyedBy =
        action === "pin"
          ? obeyingAutomations("origin-balancer")
          : obeyingAutomations(options.automation ?? "");
      await sendOverride(ctx, this, { action, ...extra(options), ...whoFields(options) }, obeyedBy);
    };
  override.addCommand(
    withReplace(withExpiry(withWho(new Command("pin"))))
      .description("hold these Route 53 weights on a pool until the expiry")
      .requiredOption("--pool <name>", "the pool (config originBalancer.pools[].name)")
      .requiredOption("--weight <id=n>", "one origin's weight 0-255; repeat for every origin", collectWeight)
      .addOption(nowOption())
      .action(
        send("pin", (o: { pool: string; weight: Record<string, number> }) => ({
          pool: o.pool,
          weights: o.weight,
        })),
      ),
  );
  override.addCommand(
    withReplace(withExpiry(withWho(scoped(new Command("pause")))))
      .description("stop an automation acting (it keeps observing and recording) until the expiry")
      .addOption(nowOption())
      .action(send("pause", targetOf)),
  );
  override.addCommand(
    withWho(scoped(new Command("resume")))
      .description("end an active pause before its expiry")
      .addOption(nowOption())
      .action(send("resume", targetOf)),
  );
  override.addCommand(
    withWho(scoped(new Command("clear")))
      .description("end any active override on the scope before its expiry")
      .addOption(nowOption())
      .action(send("clear", targetOf)),
  );
  override.addCommand(
    withReplace(withExpiry(withWho(new Command("force"))))
      .description("serve this flow-control mode on a fleet until the expiry")
      .requiredOption("--fleet <name>", "the fleet (config flowControl.fleets[].name)")
      .addOption(
        new Option("--mode <mode>", "the mode")
          .choices(["open", "closed", "admitting"])
          .makeOptionMandatory(),
      )
      .option("--admit-rate <n>", "new users per second per instance (mode admitting)", parseCount)
      .action(
        send("force", (o: { fleet: string; mode: string; admitRate?: number }) => ({
          fleet: o.fleet,
          mode: o.mode,
          ...(o.admitRate !== undefined ? { admitRate: o.admitRate } : {}),
        })),
      ),
  );
  override.addCommand(
    withExpiry(withWho(new Command("canary")))
      .description("start, promote, abort, pause or resume a canary (pause and promote need --for/--until)")
      .addArgument(
        new Argument("<command>", "what to do").choices(["start", "promote", "abort", "pause", "resume"]),
      )
      .requiredOption("--canary <name>", "the canary (config canary.canaries[].name)")
      .action(async function (this: Command, kind: string, options: WhoOptions & { canary: string }) {
        await sendOverride(ctx, this, {
          action: "canary",
          command: kind,
          canary: options.canary,
          ...whoFields(options),
        });
      }),
  );
  override.addCommand(
    withWho(new Command("rotate-now"))
      .description("run the pair's certificate rotation now (a plan-mode pair stores a plan instead)")
      .requiredOption("--pair <name>", "the pair (config certRotation.pairs[].name)")
      .action(send("rotate-now", (o: { pair: string }) => ({ pair: o.pair }))),
  );
  return override;
}

function targetOf(options: { automation: string; target?: string }): Record<string, unknown> {
  return { automation: options.automation, ...(options.target ? { target: options.target } : {}) };
}
