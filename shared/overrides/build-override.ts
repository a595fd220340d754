import { stableId } from "../kernel/domain/ids";
import {
  EVERY,
  type OverridableAutomation,
  type OverrideAction,
  type StoredOverride,
} from "../kernel/domain/override-types";
import type { OverrideRequest } from "./override-request";

/** The names an override may point at, per configured automation (pool -> its set identifiers). */
export interface OverrideTargets {
  "origin-balancer"?: Record<string, string[]>;
  "flow-control"?: string[];
  "cert-rotation"?: string[];
  canary?: string[];
}

export type Scope = { automation: OverridableAutomation | typeof EVERY; target: string };

export type Built = { ok: true; value: StoredOverride } | { ok: false; problem: string };

type StoringRequest = Extract<OverrideRequest, { action: "pin" | "pause" | "force" }>;

/**
 * Turns a stored-override request (pin, pause, force) into the override to store, or names why the stage
 * cannot take it. Pure: the caller passes the clock, the cap and who invoked.
 *
 * @example pin images {primary 128, elastic 127} for 120 min at 10:00, cap 72 h
 *   -> { automation origin-balancer, target images, action pin, expiresAt 12:00 }
 * @example pin images {primary 128} when the pool also has "elastic" -> problem "must name every origin"
 */
export function buildOverride(
  request: StoringRequest,
  context: { targets: OverrideTargets; now: Date; maxHours: number; invoker: string },
): Built {
  const scope = scopeOf(request, context.targets);
  if (!scope.ok) return scope;
  const expiresAt = expiryOf(request, context.now, context.maxHours);
  if (!expiresAt.ok) return expiresAt;
  const action = actionOf(request, context.targets);
  if (!action.ok) return action;
  const createdAt = context.now.toISOString();
  return {
    ok: true,
    value: {
      id: stableId("ovr", `${scope.value.automation}|${scope.value.target}|${request.author}|${createdAt}`),
      ...scope.value,
      action: action.value,
      author: request.author,
      invoker: context.invoker,
      reason: request.reason,
      createdAt,
      expiresAt: expiresAt.value,
    },
  };
}

/** Resolves and checks the scope a request names (also used by resume and clear). */
export function scopeOf(
  request: OverrideRequest,
  targets: OverrideTargets,
): { ok: true; value: Scope } | { ok: false; problem: string } {
  switch (request.action) {
    case "pin":
      return known(targets, "origin-balancer", request.pool);
    case "force":
      return known(targets, "flow-control", request.fleet);
    case "pause":
    case "resume":
    case "clear": {
      if (request.automation === "all") {
        return request.target === undefined
          ? { ok: true, value: { automation: EVERY, target: EVERY } }
          : { ok: false, problem: "automation all cannot take a target: name the automation" };
      }
      return request.target === undefined
        ? configured(targets, request.automation)
        : known(targets, request.automation, request.target);
    }
    default:
      return { ok: false, problem: `${request.action} is not a stored override` };
  }
}

function configured(targets: OverrideTargets, automation: OverridableAutomation) {
  return targets[automation] === undefined
    ? ({ ok: false, problem: `${automation} is not configured in this stage` } as const)
    : ({ ok: true, value: { automation, target: EVERY } } as const);
}

function known(targets: OverrideTargets, automation: OverridableAutomation, target: string) {
  const names = namesOf(targets, automation);
  if (names === undefined)
    return { ok: false, problem: `${automation} is not configured in this stage` } as const;
  return names.includes(target)
    ? ({ ok: true, value: { automation, target } } as const)
    : ({
        ok: false,
        problem: `${automation} has no target "${target}" (configured: ${names.join(", ") || "none"})`,
      } as const);
}

export function namesOf(targets: OverrideTargets, automation: OverridableAutomation): string[] | undefined {
  const entry = targets[automation];
  if (entry === undefined) return undefined;
  return Array.isArray(entry) ? entry : Object.keys(entry);
}

function expiryOf(request: StoringRequest, now: Date, maxHours: number) {
  const at =
    request.expiresAt !== undefined
      ? Date.parse(request.expiresAt)
      : now.getTime() + (request.expiresInMinutes ?? 0) * 60_000;
  if (at <= now.getTime()) return { ok: false, problem: "the expiry is not in the future" } as const;
  if (at > now.getTime() + maxHours * 3_600_000) {
    return { ok: false, problem: `the expiry is more than ${maxHours} h away (the stage's cap)` } as const;
  }
  return { ok: true, value: new Date(at).toISOString() } as const;
}

function actionOf(
  request: StoringRequest,
  targets: OverrideTargets,
): { ok: true; value: OverrideAction } | { ok: false; problem: string } {
  if (request.action === "pause") return { ok: true, value: { kind: "pause" } };
  if (request.action === "force") {
    return { ok: true, value: { kind: "force", mode: request.mode, admitRate: request.admitRate ?? 0 } };
  }
  const origins = targets["origin-balancer"]?.[request.pool] ?? [];
  const named = Object.keys(request.weights);
  const unknown = named.filter((id) => !origins.includes(id));
  const missing = origins.filter((id) => !named.includes(id));
  if (unknown.length > 0 || missing.length > 0) {
    return {
      ok: false,
      problem: `a pin must name every origin of ${request.pool} (${origins.join(", ")})${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}${missing.length ? `; missing: ${missing.join(", ")}` : ""}`,
    };
  }
  return { ok: true, value: { kind: "pin", weights: { ...request.weights } } };
}
