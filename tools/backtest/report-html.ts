import { weightsToShares } from "../../shared/origin-balancer/domain/weights";
import { type PolicyRun, type SimulationSettings, sideBySideCells } from "./compare";
import { focusWindow, glossary } from "./report-glossary";
import { SEED_INTERVAL_MINUTES } from "./seed-policy";

export interface ReportInput {
  traceName: string;
  /** SetIdentifier of the capacity-bound origin. */
  primary: string;
  capacity: number;
  settings: SimulationSettings;
  /** Same trace, one run per policy (autopilot and seed). */
  runs: readonly PolicyRun[];
}

/** Points per drawn series at most: a day of minutes fits; longer traces keep each bucket's min and max. */
export const MAX_POINTS_PER_SERIES = 1500;

const COLOURS: Record<string, string> = { autopilot: "#1b7f3b", seed: "#d9730d" };

/**
 * Renders the backtest report as one self-contained HTML page: inline SVG charts, no script, no external
 * font, stylesheet or image, so it opens from a CI artifact or an email attachment.
 *
 * @example renderReport({ traceName: "sale-spike.csv", primary: "primary", capacity: 9000, settings, runs })
 *   -> "<!doctype html>...<svg ...>origin requests, estimated load, capacity, primary load...</svg>..."
 */
export function renderReport(input: ReportInput): string {
  const { traceName, primary, capacity, settings, runs } = input;
  const minutes = runs[0]?.result.minutes ?? [];
  const labels = minutes.map((m) => m.minute);
  // A spike can be 10x capacity; cut the axis so the primary's load around its capacity stays readable.
  const primaryPeak = Math.max(0, ...runs.flatMap((r) => r.result.minutes.map((m) => m.primaryLoad)));
  const originPeak = Math.max(0, ...minutes.map((m) => m.originRequests));
  const loadAxis = niceCeiling(Math.max(3 * capacity, 1.1 * primaryPeak));
  const clipped = originPeak > loadAxis;
  const loadChartFor = (window: Window) =>
    lineChart(
      sliceSpec(
        {
          title: `Origin requests per minute${clipped ? ` (axis cut at ${fmt(loadAxis)}; origin requests peak at ${fmt(originPeak)})` : ""}`,
          fixedMax: clipped ? loadAxis : undefined,
          labels,
          format: fmt,
          series: [
            {
              name: "origin requests (ground truth)",
              colour: "#202124",
              values: minutes.map((m) => m.originRequests),
              onTop: true,
            },
            {
              name: "estimated load (what the policy sees)",
              colour: "#4c8bf5",
              values: minutes.map((m) => m.estimatedLoad),
            },
            {
              name: `${primary} capacity`,
              colour: "#c5221f",
              values: minutes.map(() => capacity),
              dash: "6 4",
            },
            ...runs.map((r) => ({
              name: `${primary} load, ${r.policyName}`,
              colour: COLOURS[r.policyName] ?? "#333",
              values: r.result.minutes.map((m) => m.primaryLoad),
            })),
          ],
        },
        window,
      ),
    );
  const shareChartFor = (window: Window) =>
    lineChart(
      sliceSpec(
        {
          title: `Share of origin requests sent to ${primary} (weights after propagation; dots: weight changes)`,
          labels,
          format: (y) => `${Math.round(y * 100)}%`,
          fixedMax: 1,
          series: [
            {
              name: "oracle (capacity / origin requests)",
              colour: "#9aa0a6",
              values: minutes.map((m) =>
                m.originRequests > 0 ? Math.min(1, capacity / m.originRequests) : 1,
              ),
              dash: "2 3",
            },
            ...runs.map((r) => {
              const index = new Map(r.result.minutes.map((m, i) => [m.minute, i]));
              return {
                name: `${primary} share, ${r.policyName}`,
                colour: COLOURS[r.policyName] ?? "#333",
                values: r.result.minutes.map((m) => m.primaryShare),
                markers: r.result.decisions.map((d) => ({
                  at: index.get(d.minute) ?? 0,
                  value: weightsToShares(d.weights)[primary] ?? 0,
                })),
              };
            }),
          ],
        },
        window,
      ),
    );
  const whole: Window = { from: 0, to: Math.max(0, minutes.length - 1) };
  const focus = focusWindow(
    minutes.map((m) => m.originRequests),
    capacity,
  );
  const focusSection =
    focus === undefined
      ? ""
      : `<h2>The decisive hours: ${esc(labels[focus.from]?.slice(11, 16) ?? "")}–${esc(labels[focus.to]?.slice(11, 16) ?? "")}</h2>
<p class="note">The episode above ${esc(primary)}'s capacity that holds the peak, from an hour before to an hour after (at most 6 h); the whole trace follows.</p>
${loadChartFor(focus)}
${shareChartFor(focus)}`;
  const loadChart = loadChartFor(whole);
  const shareChart = shareChartFor(whole);
  const definitions = `<dl class="glossary">${glossary(primary, SEED_INTERVAL_MINUTES)
    .map(([term, text]) => `<dt>${esc(term)}</dt><dd>${esc(text)}</dd>`)
    .join("")}</dl>`;
  const { header, body } = sideBySideCells(runs);
  const summary = `<table class="summary"><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${body
    .map(
      (row) =>
        `<tr>${row.map((c, i) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join("")}</tr>`,
    )
    .join("")}</tbody></table>`;
  const decisions = runs.map((r) => decisionList(r, primary)).join("\n");
  const intervals = runs
    .map(
      (r) =>
        `${r.policyName} every ${r.policyName === "seed" ? SEED_INTERVAL_MINUTES : settings.intervalMinutes} min`,
    )
    .join(", ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backtest: ${esc(traceName)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#202124;max-width:1160px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;border-bottom:1px solid #e0e0e0;text-align:right}
th:first-child,td:first-child{text-align:left}
.legend{list-style:none;padding:0;margin:4px 0 0;font-size:12px;display:flex;flex-wrap:wrap;gap:14px}
.legend span{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:5px}
svg text{font-size:11px;fill:#5f6368}
details{margin:8px 0}
.glossary{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:13px;margin:6px 0}
.glossary dt{font-weight:600}.glossary dd{margin:0}
.note{font-size:13px;color:#5f6368}
</style>
</head>
<body>
<h1>Origin balancer backtest: ${esc(traceName)}</h1>
<p>${esc(primary)} capacity ${esc(capacity.toLocaleString("en-US"))} origin requests/min; ${esc(intervals)};
metrics ${settings.metricDelayMinutes} min late; DNS TTL ${settings.ttlSeconds} s; autopilot window ${settings.windowMinutes} min.</p>
<h2>Summary</h2>
${summary}
<details open><summary>What each measure means (units)</summary>
${definitions}
</details>
${focusSection}
<h2>Load, whole trace</h2>
${loadChart}
<h2>Split, whole trace</h2>
${shareChart}
<h2>Decisions</h2>
${decisions}
</body>
</html>
`;
}

interface Series {
  name: string;
  colour: string;
  /** One value per minute; undefined is a gap (drawn as a break). */
  values: readonly (number | undefined)[];
  dash?: string;
  markers?: { at: number; value: number }[];
  /** Drawn last and thicker, so the other lines never hide it (the ground truth). */
  onTop?: boolean;
}

/** A range of minute indices, both ends included. */
interface Window {
  from: number;
  to: number;
}

/** The chart restricted to `window`: labels, values and markers (re-indexed) of those minutes only. */
function sliceSpec(spec: ChartSpec, window: Window): ChartSpec {
  const { from, to } = window;
  return {
    ...spec,
    labels: spec.labels.slice(from, to + 1),
    series: spec.series.map((s) => ({
      ...s,
      values: s.values.slice(from, to + 1),
      ...(s.markers
        ? {
            markers: s.markers
              .filter((m) => m.at >= from && m.at <= to)
              .map((m) => ({ ...m, at: m.at - from })),
          }
        : {}),
    })),
  };
}

interface ChartSpec {
  title: string;
  labels: readonly string[];
  series: Series[];
  format: (y: number) => string;
  fixedMax?: number;
}

const WIDTH = 1100;
const HEIGHT = 300;
const PAD = { left: 70, right: 12, top: 12, bottom: 28 };

function lineChart(spec: ChartSpec): string {
  const n = spec.labels.length;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const highest = Math.max(0, ...spec.series.flatMap((s) => s.values.filter((v) => v !== undefined)));
  const yMax = spec.fixedMax ?? niceCeiling(highest);
  const x = (i: number) => PAD.left + (n > 1 ? (i / (n - 1)) * plotW : 0);
  const y = (v: number) => PAD.top + plotH - (Math.min(v, yMax) / yMax) * plotH;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const py = r1(y(f * yMax));
    return `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${py}" y2="${py}" stroke="#eee"/><text x="${PAD.left - 6}" y="${py + 4}" text-anchor="end">${esc(spec.format(f * yMax))}</text>`;
  });
  const step = [15, 30, 60, 120, 180, 240, 360, 720].find((s) => n / s <= 12) ?? 1440;
  const ticks: string[] = [];
  spec.labels.forEach((label, i) => {
    const minuteOfDay = Number(label.slice(11, 13)) * 60 + Number(label.slice(14, 16));
    if (minuteOfDay % step !== 0) return;
    const px = r1(x(i));
    ticks.push(
      `<line x1="${px}" x2="${px}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="#f3f3f3"/><text x="${px}" y="${HEIGHT - 10}" text-anchor="middle">${esc(label.slice(11, 16))}</text>`,
    );
  });
  const drawOrder = [...spec.series.filter((s) => !s.onTop), ...spec.series.filter((s) => s.onTop)];
  const lines = drawOrder.map((s) => {
    const d = downsample(s.values, MAX_POINTS_PER_SERIES)
      .map((run) => run.map((p, j) => `${j === 0 ? "M" : "L"}${r1(x(p.at))} ${r1(y(p.value))}`).join(""))
      .join("");
    const dots = (s.markers ?? [])
      .map((m) => `<circle cx="${r1(x(m.at))}" cy="${r1(y(m.value))}" r="2.5" fill="${s.colour}"/>`)
      .join("");
    const dash = s.dash === undefined ? "" : ` stroke-dasharray="${s.dash}"`;
    return `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="${s.onTop ? 2 : 1.3}"${dash}><title>${esc(s.name)}</title></path>${dots}`;
  });
  const legend = spec.series
    .map((s) => `<li><span style="background:${s.colour}"></span>${esc(s.name)}</li>`)
    .join("");
  return `<figure><figcaption>${esc(spec.title)}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${esc(spec.title)}">
${grid.join("")}${ticks.join("")}<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>
${lines.join("\n")}
</svg>
<ul class="legend">${legend}</ul></figure>`;
}

/**
 * Splits a series into drawable runs (gaps break a run) of at most `maxPoints` points in all: when
 * thinning is needed each bucket keeps its lowest and highest minute, so a one-minute overload stays visible;
 * flat stretches keep only their ends.
 */
export function downsample(
  values: readonly (number | undefined)[],
  maxPoints: number,
): { at: number; value: number }[][] {
  const bucket = values.length <= maxPoints ? 1 : Math.ceil(values.length / Math.floor(maxPoints / 2));
  const runs: { at: number; value: number }[][] = [];
  let current: { at: number; value: number }[] = [];
  for (let start = 0; start < values.length; start += bucket) {
    const points: { at: number; value: number }[] = [];
    for (let i = start; i < Math.min(values.length, start + bucket); i++) {
      const value = values[i];
      if (value !== undefined) points.push({ at: i, value });
    }
    if (points.length === 0) {
      if (current.length > 0) runs.push(current);
      current = [];
      continue;
    }
    if (bucket === 1) {
      current.push(...points);
      continue;
    }
    const low = points.reduce((a, b) => (b.value < a.value ? b : a));
    const high = points.reduce((a, b) => (b.value > a.value ? b : a));
    current.push(...(low === high ? [low] : low.at < high.at ? [low, high] : [high, low]));
  }
  if (current.length > 0) runs.push(current);
  // A flat stretch (the capacity line, a held split) needs only its ends.
  return runs.map((run) =>
    run.filter(
      (p, i) =>
        i === 0 || i === run.length - 1 || run[i - 1]?.value !== p.value || run[i + 1]?.value !== p.value,
    ),
  );
}

function decisionList(run: PolicyRun, primary: string): string {
  const rows = run.result.decisions
    .map((d) => {
      const weights = Object.entries(d.weights)
        .map(([id, w]) => `${esc(id)} ${w}`)
        .join(", ");
      const share = Math.round((weightsToShares(d.weights)[primary] ?? 0) * 1000) / 10;
      return `<tr><td>${esc(d.minute.slice(0, 16).replace("T", " "))}</td><td>${esc(d.rule)}</td><td>${weights}</td><td>${share}%</td></tr>`;
    })
    .join("");
  return `<details open><summary>${esc(run.policyName)}: ${run.result.decisions.length} changes</summary>
<table><thead><tr><th>minute (UTC)</th><th>rule</th><th>weights</th><th>${esc(primary)} share</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

/** The smallest 1, 2, 2.5 or 5 x 10^k at or above x, so the y axis ends on a round number. */
function niceCeiling(x: number): number {
  if (!(x > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= x) ?? 10) * magnitude;
}

const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
const r1 = (v: number) => Math.round(v * 10) / 10;

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
