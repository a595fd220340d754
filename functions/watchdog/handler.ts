import { watchdogDeps } from "./deps";
import { createWatchdog, type WatchdogResult } from "./watchdog";

/**
 * Watchdog: the stack's alarms (Errors, Throttles, heartbeats, runs without Slack, failed events
 * waiting) -> SNS -> one Slack message each. Deliberately separate from the automations: its own role,
 * its own token parameter, no stage file, no shared runtime, so it keeps reporting when they fail.
 */
let watchdog: ((event: unknown) => Promise<WatchdogResult>) | undefined;

export async function handler(event: unknown): Promise<WatchdogResult> {
  watchdog ??= createWatchdog(watchdogDeps());
  return watchdog(event);
}
