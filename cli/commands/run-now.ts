import { Option } from "commander";
import type { ConnectionOptions } from "../connection";
import { type FunctionInvoker, type ScheduledAutomation, UsageError } from "../invoke/types";
import { delegatedErrors } from "../render/delegated-errors";

const SCHEDULED: readonly ScheduledAutomation[] = [
  "origin-balancer",
  "flow-control",
  "cert-rotation",
  "canary",
];

export const nowOption = () =>
  new Option("--now", "local sandbox: run the automation once now, so the change shows in status at once");

/** The automations an override on this scope is obeyed by ("all": every one). */
export function obeyingAutomations(automation: string): ScheduledAutomation[] {
  return automation === "all" ? [...SCHEDULED] : SCHEDULED.filter((a) => a === automation);
}

/** --now is refused before anything is stored when there is no sandbox to run it in. */
export function checkNow(options: ConnectionOptions & { now?: boolean }): void {
  if (options.now && !options.local && options.session === undefined) {
    throw new UsageError(
      "--now works with --local only: deployed automations run on their own schedule (the balancer every minute by default)",
    );
  }
}

/**
 * In the kept sandbox nothing runs on a schedule, so an override would wait for a run that never comes:
 * with --now the obeying automations run once here; without it the operator is told so.
 */
export async function runNowOrSay(
  invoker: FunctionInvoker,
  automations: readonly ScheduledAutomation[],
  now: boolean,
): Promise<{ lines: string[]; errors: ReturnType<typeof delegatedErrors> }> {
  if (invoker.runScheduled === undefined || automations.length === 0) return { lines: [], errors: [] };
  if (!now) {
    return {
      lines: [
        `  takes effect at ${automations.join(", ")}'s next scheduled run; the local sandbox runs none: add --now to run it now`,
      ],
      errors: [],
    };
  }
  const lines: string[] = [];
  const errors: ReturnType<typeof delegatedErrors> = [];
  for (const automation of automations) {
    const result = await invoker.runScheduled(automation);
    const decisions = Array.isArray(result) ? result : [result];
    for (const d of decisions) {
      const headline = (d as { headline?: unknown } | undefined)?.headline;
      if (typeof headline === "string") lines.push(`  now: ${automation}: ${headline}`);
    }
    errors.push(...delegatedErrors(decisions));
  }
  return { lines, errors };
}
