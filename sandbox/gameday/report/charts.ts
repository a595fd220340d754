/**
 * Inline SVG line charts (no script, no network): x is the scenario time label, y a number. Gaps (an
 * undefined value) break the line instead of drawing it to zero: no data is not zero.
 */
import { esc } from "./html";

export interface Series {
  name: string;
  colour: string;
  values: (number | undefined)[];
  /** Step lines hold a value until the next one (weights, canary share); others join points. */
  step?: boolean;
  dashed?: boolean;
}

export interface LineChart {
  id: string;
  title: string;
  unit: string;
  labels: string[];
  series: Series[];
  yMax?: number;
}

const W = 960;
const H = 260;
const PAD = { left: 60, right: 16, top: 16, bottom: 34 };

export function renderLineChart(chart: LineChart): string {
  const all = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined));
  // A fixed scale (weights of 255, percent) is kept exactly; a measured one is rounded up to a nice value.
  const yMax = chart.yMax ?? niceCeiling(Math.max(1, ...all));
  const n = Math.max(1, chart.labels.length - 1);
  const x = (i: number) => PAD.left + (i / n) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / yMax) * (H - PAD.top - PAD.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = yMax * f;
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${PAD.left - 6}" y="${y(v) + 4}" class="tick" text-anchor="end">${esc(formatNumber(v))}</text>`;
  });
  const every = Math.max(1, Math.ceil(chart.labels.length / 12));
  const ticks = chart.labels
    .map((label, i) =>
      i % every === 0
        ? `<text x="${x(i)}" y="${H - 12}" class="tick" text-anchor="middle">${esc(label)}</text>`
        : "",
    )
    .join("");
  const lines = chart.series.map((s) => {
    const d = pathOf(s, x, y);
    return `<path d="${d}" fill="none" stroke="${esc(s.colour)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} data-series="${esc(s.name)}"/>`;
  });
  const legend = chart.series
    .map((s) => `<span class="legend-item"><i style="background:${esc(s.colour)}"></i>${esc(s.name)}</span>`)
    .join("");
  return `<figure class="chart" id="${esc(chart.id)}">
<figcaption>${esc(chart.title)} <small>(${esc(chart.unit)})</small></figcaption>
<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(chart.title)}" data-chart="${esc(chart.id)}" xmlns="http://www.w3.org/2000/svg">
${grid.join("")}${ticks}${lines.join("")}
</svg>
<div class="legend">${legend}</div>
</figure>`;
}

function pathOf(s: Series, x: (i: number) => number, y: (v: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  let last: number | undefined;
  s.values.forEach((v, i) => {
    if (v === undefined) {
      pen = false;
      return;
    }
    if (!pen) parts.push(`M${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    else if (s.step && last !== undefined) parts.push(`H${x(i).toFixed(1)}V${y(v).toFixed(1)}`);
    else parts.push(`L${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    pen = true;
    last = v;
  });
  return parts.join("") || "M0,0";
}

function niceCeiling(v: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= v) return step * magnitude;
  return 10 * magnitude;
}

function formatNumber(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}k` : String(Math.round(v * 10) / 10);
}
