import {
  failed,
  type OverridesStatus,
  type OverrideView,
  type PlanStatus,
  type StatusDocument,
} from "../../shared/status/domain/types";
import type { FailedEventsStatus } from "../../shared/watchdog/domain/invocation-record";
import { actionText } from "./override";
import { section, shortTime, table } from "./table";

const overrideCell = (o: OverrideView | undefined) =>
  o ? `${actionText(o.action)} by ${o.author} until ${shortTime(o.expiresAt)}` : "-";
const errorRow = (name: string, error: string, width: number) => [
  name,
  `ERROR ${error}`,
  ...Array(Math.max(0, width - 2)).fill(""),
];

/** The status document as tables, one per automation, then overrides and plans. */
export function renderStatus(doc: StatusDocument): string {
  const parts = [`stage ${doc.stage} at ${shortTime(doc.at)}\n`];
  if (doc.originBalancer.length > 0) {
    const headers = ["pool", "weights", "shares %", "last change", "hold", "override"];
    const rows = doc.originBalancer.map((p) => {
      if (failed(p)) return errorRow(p.pool, p.error, headers.length);
      const ids = Object.keys(p.weights);
      return [
        p.pool,
        ids.map((id) => `${id}=${p.weights[id]}`).join(" "),
        ids.map((id) => `${p.shares[id]}`).join("/"),
        lastChangeCell(p.state),
        p.state?.noDataSince
          ? `no data since ${shortTime(p.state.noDataSince)}`
          : (p.state?.heldEpisode ?? "-"),
        overrideCell(p.override),
      ];
    });
    parts.push(section("ORIGIN BALANCER", table(headers, rows)));
  }
  if (doc.flowControl.length > 0) {
    const headers = ["fleet", "tag", "mode", "since", "instances", "override"];
    const rows = doc.flowControl.map((f) => {
      if (failed(f)) return errorRow(f.fleet, f.error, headers.length);
      const converged = f.instances.filter((i) => i.result === "converged").length;
      return [
        f.fleet,
        f.tag,
        f.intent
          ? f.intent.mode === "admitting"
            ? `admitting ${f.intent.admitRate}/s`
            : f.intent.mode
          : "unknown (no intent stored)",
        shortTime(f.since),
        f.intent ? `${converged}/${f.instances.length} converged` : `${f.instances.length} found`,
        overrideCell(f.override),
      ];
    });
    parts.push(section("FLOW CONTROL", table(headers, rows)));
  }
  if (doc.certRotation.length > 0) {
    const headers = ["pair", "alb", "colour", "dns", "certificate expires", "days left"];
    const rows = doc.certRotation.flatMap((p) => {
      if (failed(p)) return [errorRow(p.pair, p.error, headers.length)];
      const albs = p.balancers.map((b) => [
        p.pair,
        b.name,
        b.color ?? "(no tag)",
        b.servesDns ? "live" : "-",
        shortTime(b.certificate?.notAfter),
        b.certificate?.daysLeft !== undefined ? String(b.certificate.daysLeft) : "-",
      ]);
      const notes = [
        ...p.problems.map((problem) => `problem: ${problem}`),
        ...(p.state.inFlight ? [`rotation in flight: ${p.state.inFlight.id}`] : []),
        ...(p.plan ? [`plan ${p.plan.id}: ${p.plan.status}`] : []),
        ...(p.override ? [`override: ${overrideCell(p.override)}`] : []),
      ].map((note) => [p.pair, note, "", "", "", ""]);
      return [...albs, ...notes];
    });
    parts.push(section("CERTIFICATE ROTATION", table(headers, rows)));
  }
  if (doc.canary.length > 0) {
    const headers = ["canary", "status", "step", "weights stable/canary", "override"];
    const rows = doc.canary.map((c) => {
      if (failed(c)) return errorRow(c.name, c.error, headers.length);
      return [
        c.name,
        c.status,
        c.step,
        c.weights
          ? `${c.weights.stable}/${c.weights.canary} (${c.weights.canaryPercent}%${c.weights.sticky ? ", sticky" : ""})`
          : "-",
        overrideCell(c.override),
      ];
    });
    parts.push(section("CANARY", table(headers, rows)));
  }
  parts.push(section("OVERRIDES", renderOverrides(doc.overrides)));
  parts.push(section("PLANS", renderPlans(doc.plans)));
  const failedEvents = (doc as StatusDocument & { failedEvents?: FailedEventsStatus | { error: string } })
    .failedEvents;
  if (failedEvents !== undefined) parts.push(section("FAILED EVENTS", renderFailedEvents(failedEvents)));
  return parts.join("\n");
}

function renderOverrides(overrides: OverridesStatus | { error: string }): string {
  if ("error" in overrides) return `ERROR ${overrides.error}\n`;
  if (overrides.active.length === 0 && overrides.recentlyEnded.length === 0) return "none\n";
  const rows = [
    ...overrides.active.map((o) => [
      o.id,
      "active",
      o.scope,
      actionText(o.action),
      o.author,
      shortTime(o.expiresAt),
      o.reason,
    ]),
    ...overrides.recentlyEnded.map((o) => [
      o.id,
      o.how,
      o.scope,
      actionText(o.action),
      o.author,
      shortTime(o.endedAt),
      o.reason,
    ]),
  ];
  return table(["id", "state", "scope", "action", "author", "until/ended", "reason"], rows);
}

export function renderPlans(plans: PlanStatus[] | { error: string }): string {
  if (!Array.isArray(plans)) return `ERROR ${plans.error}\n`;
  if (plans.length === 0) return "none\n";
  return table(
    ["id", "automation", "target", "status", "expires", "would"],
    plans.map((p) => [
      p.id,
      p.automation,
      p.target,
      p.expired && p.status === "pending" ? "pending (expired)" : p.status,
      shortTime(p.expiresAt),
      p.certificateArn
        ? `rotate to ${p.certificateArn}`
        : `set ${Object.entries(p.proposed ?? {})
            .map(([id, w]) => `${id}=${w}`)
            .join(" ")}`,
    ]),
  );
}

/** The on-failure queue: how many events wait for `autopilot redrive`, and the newest few. */
export function renderFailedEvents(status: FailedEventsStatus | { error: string }): string {
  if ("error" in status) return `ERROR ${status.error}\n`;
  if (status.waiting === 0) return `none waiting in ${status.queue}\n`;
  const head = `${status.waiting} waiting in ${status.queue} (after a fix: autopilot redrive)${
    status.unreadable > 0 ? `, ${status.unreadable} not Lambda records` : ""
  }\n`;
  const rows = status.newest.map((e) => [
    e.function,
    `${e.ageMinutes} min ago`,
    String(e.attempts),
    e.error.length > 120 ? `${e.error.slice(0, 119)}…` : e.error,
  ]);
  return head + table(["function", "failed", "attempts", "error"], rows);
}

/**
 * The balancer keeps only the last hour of changes: a pool it has run on with none in that hour changed
 * more than an hour ago (or never), which "-" would hide.
 */
function lastChangeCell(state: { lastChange?: { at: string; direction: string } } | undefined): string {
  if (state === undefined) return "-";
  return state.lastChange
    ? `${shortTime(state.lastChange.at)} ${state.lastChange.direction}`
    : "more than 1 h ago";
}
