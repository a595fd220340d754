import type { OverrideAction } from "../../shared/kernel/domain/override-types";
import type { OverrideResponse } from "../../shared/overrides/apply-override";
import { scopeText } from "../../shared/status/domain/overrides";
import { inFlagWords } from "./flag-words";
import { shortTime } from "./table";

/** "pin primary=128 elastic=127", "force admitting 50/s", "pause". */
export function actionText(action: OverrideAction): string {
  switch (action.kind) {
    case "pin":
      return `pin ${Object.entries(action.weights)
        .map(([id, w]) => `${id}=${w}`)
        .join(" ")}`;
    case "force":
      return action.mode === "admitting" ? `force admitting ${action.admitRate}/s` : `force ${action.mode}`;
    case "pause":
      return "pause";
  }
}

/**
 * One human line for the override function's answer; a refusal is said as such (the CLI exits 1).
 *
 * @example accepted pin -> "accepted: pin primary=128 elastic=127 on origin-balancer/images by alice
 *   until 2026-11-02 12:00Z (ovr-1a2b3c4d)"
 */
export function renderOverrideResponse(response: OverrideResponse): string {
  if (!response.accepted) return `refused: ${inFlagWords(response.refusal ?? "no reason given")}\n`;
  const lines: string[] = [];
  const o = response.override;
  if (o?.cleared) {
    lines.push(
      `accepted: ${response.action} — ${actionText(o.action)} on ${scopeText(o)} by ${o.author} ended (${o.id})`,
    );
  } else if (o) {
    lines.push(
      `accepted: ${actionText(o.action)} on ${scopeText(o)} by ${o.author} until ${shortTime(o.expiresAt)} (${o.id})`,
    );
  } else if (response.plan) {
    lines.push(
      `accepted: ${response.action} plan ${response.plan.id} (${"pair" in response.plan ? response.plan.pair : response.plan.target}) is now ${response.plan.status}`,
    );
  } else {
    lines.push(`accepted: ${response.action}`);
  }
  for (const headline of headlines(response.result)) lines.push(`  ${headline}`);
  return `${lines.join("\n")}\n`;
}

/** The delegated run's decisions (canary command, rotation), by headline. */
function headlines(result: unknown): string[] {
  const decisions = Array.isArray(result)
    ? result
    : ((result as { decisions?: unknown[] } | undefined)?.decisions ?? []);
  return decisions
    .map((d) => (d as { headline?: unknown })?.headline)
    .filter((h): h is string => typeof h === "string");
}
