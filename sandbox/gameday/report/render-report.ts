/**
 * The game day's self-contained HTML report: verdict per scene with every check, charts of load,
 * capacity and weights (inline SVG), the decision timeline, and the Slack channel as Slack shows it.
 */

import { emojify } from "../emoji";
import type { SceneOutcome } from "../scene-outcome";
import type { Recorder } from "../timeline";
import { type LineChart, renderLineChart } from "./charts";
import { esc } from "./html";
import { renderSlackChannel } from "./slack-view";
import { STYLES } from "./styles";

export interface ReportInput {
  scenario: string;
  outcomes: SceneOutcome[];
  recorder: Recorder;
  elapsedMs: number;
  passed: boolean;
  generatedAt: Date;
  channel?: string;
}

const COLOURS = ["#1264a3", "#e8912d", "#2eb886", "#a30200", "#6f42c1"];

export function renderReport(input: ReportInput): string {
  const { recorder } = input;
  const scenes = input.outcomes.map(renderScene).join("");
  const charts = chartsOf(recorder).map(renderLineChart).join("");
  const rows = recorder.entries
    .map(
      (e) =>
        `<tr><td>${esc(e.time)}</td><td>${esc(e.scene)}</td><td>${esc(e.automation)}</td><td><span class="outcome outcome-${esc(e.outcome)}">${esc(e.outcome)}</span></td><td>${esc(emojify(e.slackText ?? `${e.headline} (not posted)`))}</td></tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width,initial-scale=1"/>
<title>Game day: ${esc(input.scenario)}</title><style>${STYLES}</style></head>
<body><main>
<h1>Game day: ${esc(input.scenario)} <span class="verdict ${input.passed ? "passed" : "failed"}" id="verdict">${input.passed ? "every scene holds" : "some scenes failed"}</span></h1>
<p>${input.outcomes.length} scenes, ${recorder.entries.length} decisions, ${recorder.slack.length} Slack calls, played in ${(input.elapsedMs / 1000).toFixed(1)} s; generated ${esc(input.generatedAt.toISOString())}.</p>
<h2>Scenes</h2>${scenes}
<h2>Charts</h2>${charts || "<p>No balancer or canary samples in this scenario.</p>"}
<h2>Timeline</h2>
<table class="timeline"><thead><tr><th>trace time (handlers, UTC)</th><th>scene</th><th>automation</th><th>outcome</th><th>Slack headline</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Slack</h2>${renderSlackChannel(input.channel ?? "traffic-autopilot-sandbox", recorder.slack)}
</main></body></html>
`;
}

function renderScene(o: SceneOutcome): string {
  const checks = o.checks
    .map(
      (c) =>
        `<div class="check"><span class="${c.ok ? "ok" : "ko"}">${c.ok ? "✔" : "✘"}</span> ${esc(c.name)}<div class="detail">${esc(c.detail)}</div></div>`,
    )
    .join("");
  return `<section class="scene" data-scene="${esc(o.name)}" data-status="${o.status}"><h3>${esc(o.name)} <span class="verdict ${o.status}">${o.status}</span> <small>from ${esc(o.startedAt)}</small></h3><p class="expect">Expect: ${esc(o.expectation)}</p>${checks}</section>`;
}

function chartsOf(recorder: Recorder): LineChart[] {
  const samples = recorder.balancer;
  const charts: LineChart[] = [];
  if (samples.length > 0) {
    const origins = [...new Set(samples.flatMap((s) => Object.keys(s.weights)))];
    const primary = origins[0] ?? "";
    const share = (w: Record<string, number>) => {
      const total = Object.values(w).reduce((a, b) => a + b, 0);
      return total === 0 ? 0 : (w[primary] ?? 0) / total;
    };
    const labels = samples.map((s) => s.time);
    charts.push({
      id: "chart-load",
      title: "Cache-miss load, the primary's share of it, and the primary's capacity",
      unit: "requests per minute",
      labels,
      series: [
        {
          name: "cache-miss load (all origins)",
          colour: COLOURS[0] ?? "",
          values: samples.map((s) => s.load),
        },
        {
          name: `load on ${primary} (by Route 53 weight)`,
          colour: COLOURS[1] ?? "",
          values: samples.map((s) => (s.load === undefined ? undefined : s.load * share(s.weights))),
        },
        {
          name: `${primary} capacity`,
          colour: COLOURS[3] ?? "",
          values: samples.map((s) => s.capacity),
          dashed: true,
        },
      ],
    });
    charts.push({
      id: "chart-weights",
      title: "Route 53 weights, read back from the zone after every run",
      unit: "weight of 255",
      labels,
      yMax: 255,
      series: origins.map((o, i) => ({
        name: o,
        colour: COLOURS[(i + 1) % COLOURS.length] ?? "",
        values: samples.map((s) => s.weights[o]),
        step: true,
      })),
    });
  }
  if (recorder.canary.length > 0) {
    charts.push({
      id: "chart-canary",
      title: "Canary share, read back from the listener rule",
      unit: "% of traffic",
      labels: recorder.canary.map((c) => c.time),
      yMax: 100,
      series: [
        {
          name: "canary",
          colour: COLOURS[4] ?? "",
          values: recorder.canary.map((c) => c.canaryPercent),
          step: true,
        },
      ],
    });
  }
  return charts;
}
