import type {
  BenchResults,
  ColdStartResult,
  FlowctlResult,
  InvocationCalls,
  ReactionResult,
  ScaleResult,
} from "./results";
import { formatBytes, formatCount, formatMs, formatRatio, median } from "./stats";

export const START_MARKER = "<!-- bench:start -->";
export const END_MARKER = "<!-- bench:end -->";

/** The README's "Benchmarks" table, rendered from one run's results. */
export function renderBenchTable(results: BenchResults): string {
  const m = results.machine;
  const lines = [
    `Measured by \`npm run bench\` on ${results.generatedAt.slice(0, 10)}: ${m.cpus} cores (${m.cpuModel}), Node ${m.node}${m.haproxy ? `, HAProxy ${m.haproxy}` : ""}, loopback only. Ratios are against a baseline built and measured in the same run; the raw numbers are in \`bench/results.json\`.`,
  ];
  if (results.coldStart) lines.push("", ...coldStartTable(results.coldStart));
  if (results.reaction) lines.push("", ...reactionTable(results.reaction));
  if (results.scale) lines.push("", ...scaleTable(results.scale));
  if (results.flowctl) lines.push("", ...flowctlTable(results.flowctl));
  return lines.join("\n");
}

function coldStartTable(c: ColdStartResult): string[] {
  const goal = c.goal;
  const rows = c.functions.map(
    (f) =>
      `| ${f.name} | ${formatBytes(f.ours.bytes)} | ${f.ours.bytesAtImport === undefined ? "n/a" : formatBytes(f.ours.bytesAtImport)} | ${formatBytes(f.naive.bytes)} | ${formatRatio(f.ratios.bytes, goal.bytes)} | ${formatMs(f.ours.importMs)} | ${formatMs(f.naive.importMs)} | ${formatRatio(f.ratios.import, goal.time)} | ${formatRatio(f.ratios.importCpu)} | ${formatMs(f.ours.readyMs)} | ${formatMs(f.naive.readyMs)} | ${formatRatio(f.ratios.ready, goal.ready ?? goal.time)} |`,
  );
  const previous = c.previous
    ? [
        "",
        `Before/after: ${c.previous.label}: ${c.previous.functions
          .map((p) => {
            const now = c.functions.find((f) => f.name === p.name);
            return `${p.name} import ${formatMs(p.ours.importMs)} -> ${now ? formatMs(now.ours.importMs) : "?"} (${formatRatio(p.ratios.import)} -> ${now ? formatRatio(now.ratios.import) : "?"}), ready ${formatMs(p.ours.readyMs)} -> ${now ? formatMs(now.ours.readyMs) : "?"} (${formatRatio(p.ratios.ready)} -> ${now ? formatRatio(now.ratios.ready) : "?"})`;
          })
          .join("; ")}.`,
      ]
    : [];
  return [
    `**Cold start**: per function, our production bundle vs a naive bundle of the same imports (esbuild defaults for node: no minification, default mainFields and conditions). Ours is ES modules split into chunks (the handler, and what it imports on demand), the naive one a single CommonJS file. Bytes = every file of the bundle (what the zip carries); at import = the handler and the chunks it imports statically. Import = loading the handler as Lambda's runtime does (\`import()\` of an ES module, \`require()\` of CommonJS); ready = that + the cold start until the first AWS request leaves (config read, clients built, request signed; n/a: the function sent none for a scheduled event within 10 s). Medians of ${c.runs} fresh \`node\` processes each; goal ≤ ${goal.bytes}x bytes, ≤ ${goal.time}x import and ≤ ${goal.ready ?? goal.time}x ready. Every variant reads the stage config compiled to JSON at package time.`,
    "",
    "| function | bytes (ours) | at import (ours) | bytes (naive) | bytes ratio | import (ours) | import (naive) | import ratio | import CPU ratio | ready (ours) | ready (naive) | ready ratio |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    ...previous,
  ];
}

function reactionTable(r: ReactionResult): string[] {
  const ok = r.medianAllServingMs <= r.goal.ms && r.load.failed <= r.goal.failed;
  return [
    `**Reaction**: CloudWatch ALARM notification -> the real flow-control handler -> Run Command stand-in -> \`flowctl close\` on ${r.instances} local HAProxy 2.6 instances, until every instance serves the sorry page to a new visitor, while ${r.loadClients} keep-alive clients holding the admission cookie load them (warm function; goal: median ≤ ${formatMs(r.goal.ms)}, ${r.goal.failed} failed).`,
    "",
    "| instances | trials | all serving (median) | all serving (worst) | SendCommand sent (median) | first instance (median) | handler returned (median) | cookie-holder requests | failed | goal met |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    `| ${r.instances} | ${r.trials.length} | ${formatMs(r.medianAllServingMs)} | ${formatMs(r.worstAllServingMs)} | ${formatMs(medianOf(r.trials.flatMap((t) => (t.firstSendCommandMs === null ? [] : [t.firstSendCommandMs]))))} | ${formatMs(medianOf(r.trials.map((t) => t.fastestInstanceMs)))} | ${formatMs(medianOf(r.trials.map((t) => t.handlerMs)))} | ${formatCount(r.load.requests)} | ${formatCount(r.load.failed)} | ${ok ? "yes" : "no"} |`,
    ...reactionBreakdown(r),
  ];
}

/** Where the time goes, medians over the trials (absent in results from before the breakdown existed). */
function reactionBreakdown(r: ReactionResult): string[] {
  const trials = r.trials.filter((t) => t.flowctlMs !== undefined && t.awsWaitBeforeSendMs !== undefined);
  if (trials.length === 0) return [];
  const sendMs = medianOf(
    trials.flatMap((t) => (t.firstSendCommandMs === null ? [] : [t.firstSendCommandMs])),
  );
  const awsMs = medianOf(trials.map((t) => t.awsWaitBeforeSendMs));
  return [
    "",
    `Where the time goes (medians): SendCommand sent at ${formatMs(sendMs)}, of which ${formatMs(awsMs)} waiting for AWS answers (moto on the same cores) and ${formatMs(sendMs !== null && awsMs !== null ? sendMs - awsMs : null)} our own work; delivery model ${formatMs(r.deliveryLatencyMs ?? 0)} per instance (${(r.deliveryLatencyMs ?? 0) === 0 ? "delivered as sent" : "a stated assumption"}: SSM publishes no delivery latency); flowctl on each instance ${formatMs(medianOf(trials.map((t) => t.flowctlMs?.median ?? 0)))} median, ${formatMs(medianOf(trials.map((t) => t.flowctlMs?.max ?? 0)))} the slowest of ${r.instances} (20 run at once on these cores); verify = the bench seeing every instance serve, ${formatMs(medianOf(r.trials.map((t) => t.allServingMs)))} in all.`,
  ];
}

function scaleTable(s: ScaleResult): string[] {
  const b = s.balancer;
  const f = s.flowControl;
  const worstZone = Math.max(0, ...Object.values(b.changeBatchesPerZone));
  return [
    `**Scale**: one invocation each against moto, AWS calls counted on the wire (goal < ${formatMs(s.goal.wallMs)}, at most ${s.goal.changeBatchesPerZone} ChangeResourceRecordSets per zone per run).`,
    "",
    "| invocation | scope | wall time | AWS calls | calls by operation | goal met |",
    "| --- | --- | ---: | ---: | --- | --- |",
    `| origin balancer | ${b.pools} weighted record sets in ${b.zones} zones, ${b.changedPools} changed | ${formatMs(b.wallMs)} | ${formatCount(b.totalCalls)} | ${callList(b)} | ${b.wallMs < s.goal.wallMs && worstZone <= s.goal.changeBatchesPerZone ? "yes" : "no"} |`,
    `| flow control | ${formatCount(f.instances)} instances, ${f.sendCommandBatches} SendCommand batches, ${formatCount(f.converged)} converged | ${formatMs(f.wallMs)} | ${formatCount(f.totalCalls)} | ${callList(f)} | ${f.wallMs < s.goal.wallMs ? "yes" : "no"} |`,
    ...(s.notes.length > 0 ? ["", ...s.notes.map((n) => `- ${n}`)] : []),
  ];
}

function flowctlTable(f: FlowctlResult): string[] {
  const row = (label: string, m: FlowctlResult["ours"]) =>
    `| ${label} | ${formatMs(m.wallMs)} | ${formatMs(m.wallMsP90)} | ${formatMs(m.cpuMs)} | ${m.setMapMs === null ? "n/a" : `${m.setMapMs} ms`} |`;
  return [
    `**flowctl**: \`flowctl close\` / \`open\` alternately on one local HAProxy 2.6 instance, ${f.changes} changes each, ours interleaved with the flowctl of commit ${f.baseline?.commit ?? "n/a"} (\`haproxy -c\` and two python3 per change). Wall = spawn to exit; CPU = user + system of flowctl and every process it started; set map -> served = from the first \`set map\` until the status endpoint serves the new mode. Goal: a change ≤ ${formatMs(f.goal.changeMs)}, set map ${f.goal.setMapMs.min}-${f.goal.setMapMs.max} ms.`,
    "",
    "| flowctl | change, wall (median) | wall (p90) | CPU (median) | set map -> served (median) |",
    "| --- | ---: | ---: | ---: | ---: |",
    row("ours", f.ours),
    ...(f.baseline ? [row(`baseline (${f.baseline.commit})`, f.baseline)] : []),
    ...(f.ratios ? [`| ratio | ${formatRatio(f.ratios.wall)} | | ${formatRatio(f.ratios.cpu)} | |`] : []),
  ];
}

function callList(invocation: InvocationCalls): string {
  return Object.entries(invocation.calls)
    .flatMap(([service, ops]) => Object.entries(ops).map(([op, n]) => `${service} ${op} ${formatCount(n)}`))
    .join(", ");
}

function medianOf(values: number[]): number | null {
  return values.length === 0 ? null : Math.round(median(values));
}

/** Replaces what stands between the markers (keeping them); the README must already hold both, in order. */
export function replaceBetweenMarkers(readme: string, content: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README has no ${START_MARKER} ... ${END_MARKER} section to fill`);
  }
  return `${readme.slice(0, start + START_MARKER.length)}\n${content}\n${readme.slice(end)}`;
}
