import { type Command, InvalidArgumentError, Option } from "commander";
import { withConnection } from "../connection";
import { osUser } from "../invoke/os-user";

export interface WhoOptions {
  author: string;
  reason: string;
  for?: number;
  until?: string;
  replace?: boolean;
}

/** --author (default: the OS user) and the required --reason, on every command that changes something. */
export function withWho(command: Command): Command {
  return withConnection(command)
    .option("--author <name>", "who you are, as recorded and posted", osUser())
    .requiredOption("--reason <text>", "why: kept with the override and posted to Slack (required)");
}

/** --for or --until: every override expires (the stage caps it, 72 h at most). */
export function withExpiry(command: Command): Command {
  return command
    .addOption(
      new Option("--for <duration>", "how long it lasts: 90m, 2h or 1d (capped by the stage)")
        .argParser(parseDuration)
        .conflicts("until"),
    )
    .addOption(new Option("--until <time>", "when it ends, ISO 8601 with offset (2026-11-02T18:00:00Z)"));
}

export function withReplace(command: Command): Command {
  return command.option("--replace", "replace an active override another author holds on the same scope");
}

/** The payload fields these options give. */
export function whoFields(options: WhoOptions): Record<string, unknown> {
  return {
    author: options.author,
    reason: options.reason,
    ...(options.for !== undefined ? { expiresInMinutes: options.for } : {}),
    ...(options.until !== undefined ? { expiresAt: options.until } : {}),
    ...(options.replace ? { replace: true } : {}),
  };
}

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440 };

/**
 * "90m" -> 90, "2h" -> 120, "1d" -> 1440 (minutes). The cap is the stage's to enforce: the function
 * refuses an expiry past it, naming the cap.
 */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  const minutes = match ? Number(match[1]) * (UNIT_MINUTES[match[2] ?? ""] ?? 0) : 0;
  if (!match || minutes <= 0) {
    throw new InvalidArgumentError(`expected a duration like 90m, 2h or 1d, got "${text}"`);
  }
  return minutes;
}

/** Repeated `--weight id=n` into one weights object; the range (0-255) is the function's to check. */
export function collectWeight(text: string, previous: Record<string, number> = {}): Record<string, number> {
  const match = /^([^=\s]+)=(-?\d+)$/.exec(text.trim());
  if (!match || match[1] === undefined) {
    throw new InvalidArgumentError(`expected setIdentifier=weight (a whole number 0-255), got "${text}"`);
  }
  if (match[1] in previous) throw new InvalidArgumentError(`origin "${match[1]}" is given twice`);
  return { ...previous, [match[1]]: Number(match[2]) };
}

export function parseCount(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`expected a whole number, got "${text}"`);
  return Number(text);
}
