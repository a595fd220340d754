import http from "node:http";
import { performance } from "node:perf_hooks";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { GetCommandInvocationCommand, SSMClient } from "@aws-sdk/client-ssm";
import { setAlarmState } from "../sandbox/seed/canary-world";
import { putFleetAlarm, seedingCloudWatch } from "../sandbox/seed/fleet-alarms";
import { startFleetWorld } from "../sandbox/seed/fleet-world";
import { HAPROXY_MISSING_MESSAGE, haproxyAvailable } from "../sandbox/servers/haproxy-instance";
import { motoAvailable, startMoto } from "../sandbox/servers/moto-server";
import { startSlackSink } from "../sandbox/servers/slack-sink";
import type { FlowDecision } from "../shared/flow-control/domain/flow-control-decision";
import { type CallCounter, startCallCounter } from "./call-counter";
import { alarmNotification, scheduledEvent } from "./events";
import { startLoadProcess } from "./load-generator";
import type { ReactionResult, ReactionTrial } from "./results";
import { seedingClients } from "./scale-world";
import { median } from "./stats";
import { flowControlHandler } from "./wiring";

/** Median over the trials (issue #14); was 1,000 ms with the worst trial before. */
export const REACTION_GOAL = { ms: 1_500, failed: 0 };
const DOCUMENT = "TrafficAutopilot-bench-FlowControl";
const ALARM = "web-overload";
const SORRY_MARKER = "So many of you are here right now!";
/** No instance may take longer than this to serve the new mode: the bench fails rather than wait forever. */
const SERVE_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 5;

// Production defaults for everything else (MaxConcurrency 50, poll every 2 s): the poll interval only
// decides when the handler returns, not when instances switch.
const STAGE = `
stage: bench
region: eu-west-1
parameterPrefix: /traffic-autopilot/bench
slack: { channel: "#traffic", tokenParameter: /traffic-autopilot/bench/slack-token }
flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms]
  documentName: ${DOCUMENT}
  fleets:
    - name: web
      tag: { key: Role, value: haproxy-web }
      minEngagedMinutes: 0
      alarms:
        - { alarmName: ${ALARM}, onAlarm: close, onOk: open }
`;

export interface ReactionOptions {
  instances: number;
  trials: number;
  /** Between two requests of one cookie-holding client (one client per instance). */
  loadIntervalMs: number;
  /**
   * The Run Command stand-in's delivery model: ms from SendCommand to the agent starting flowctl on each
   * instance. SSM pushes commands over the agent's open channel and publishes no latency figure: 0 means
   * "delivered as sent", so the table shows our side plus the instances' side, and a real fleet adds SSM's
   * delivery on top.
   */
  deliveryLatencyMs: number;
  log: (line: string) => void;
}

/**
 * Alarm -> every local HAProxy instance serving the new mode, through the real flow-control handler, the
 * Run Command stand-in running our SSM document and flowctl, while cookie holders keep loading every
 * instance. The runtime is built before the clock starts (a warm function; the cold start is measured
 * by the cold-start bench).
 */
export async function benchReaction(options: ReactionOptions): Promise<ReactionResult> {
  if (!haproxyAvailable()) throw new Error(`reaction bench: ${HAPROXY_MISSING_MESSAGE}`);
  if (!motoAvailable()) throw new Error('reaction bench: moto is not installed (pip install "moto[server]")');
  const [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
  let world: Awaited<ReturnType<typeof startFleetWorld>> | undefined;
  let counter: CallCounter | undefined;
  let cloudwatch: CloudWatchClient | undefined;
  try {
    options.log(`reaction: starting ${options.instances} HAProxy instances`);
    world = await startFleetWorld({
      motoUrl: moto.url,
      ec2: seedingClients(moto.url).ec2,
      tag: { key: "Role", value: "haproxy-web" },
      size: options.instances,
      documentName: DOCUMENT,
      deliveryLatencyMs: options.deliveryLatencyMs,
    });
    const outputs = new SSMClient({
      region: "eu-west-1",
      endpoint: world.standIn.url,
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    });
    const members = world.members;
    // Flow control confirms each notification with DescribeAlarms: the alarm exists, in the notified state.
    cloudwatch = seedingCloudWatch(moto.url);
    await putFleetAlarm(cloudwatch, ALARM);
    const alarms = cloudwatch;
    const standInUrl = world.standIn.url;
    // Counted on the wire to split the reaction into our side (up to SendCommand) and the instances' side.
    counter = await startCallCounter((service) => (service === "ssm" ? standInUrl : moto.url));
    const calls = counter;
    const invoke = flowControlHandler<FlowDecision[]>(STAGE, {
      ssm: counter.url,
      aws: counter.url,
      slackApiUrl: slack.apiUrl,
    });
    // Warm-up: a scheduled converge run with nothing in force sends no command but builds every client.
    await invoke(scheduledEvent(new Date()));

    const load = startLoadProcess(
      members.map((m) => ({ url: m.haproxy.frontendUrl, cookie: `${m.haproxy.cookieName}=1` })),
      { intervalMs: options.loadIntervalMs, maxDurationMs: 10 * 60_000 },
    );
    const trials: ReactionTrial[] = [];
    let failure: unknown;
    try {
      let sequence = 0;
      for (let trial = 1; trial <= options.trials; trial++) {
        const engage = await timeTransition(members, ++sequence, "ALARM", invoke, calls, alarms);
        engage.deliveryModelMs = options.deliveryLatencyMs;
        engage.flowctlMs = await flowctlTimes(world, outputs, engage.startedAt);
        trials.push(engage);
        options.log(
          `reaction: trial ${trial}: ${members.length} instances serve the sorry page after ${engage.allServingMs} ms; SendCommand at ${engage.firstSendCommandMs} ms (${engage.awsWaitBeforeSendMs} ms of it waiting on AWS: ${engage.beforeSend.join(" ")}); flowctl median ${engage.flowctlMs?.median} ms, max ${engage.flowctlMs?.max} ms`,
        );
        // Back to open, so the next trial measures a real change again (not part of the goal).
        await timeTransition(members, ++sequence, "OK", invoke, calls, alarms);
      }
    } catch (error) {
      failure = error;
    }
    const loadReport = await load.stop();
    if (failure !== undefined) throw failure;
    options.log(
      `reaction: ${loadReport.requests} cookie-holder requests, ${loadReport.non2xx + loadReport.errors} failed ${loadReport.samples.join("; ")}`,
    );
    const times = trials.map((t) => t.allServingMs);
    outputs.destroy();
    return {
      deliveryLatencyMs: options.deliveryLatencyMs,
      instances: members.length,
      loadClients: members.length,
      trials,
      medianAllServingMs: Math.round(median(times)),
      worstAllServingMs: Math.max(...times),
      load: {
        requests: loadReport.requests,
        failed: loadReport.non2xx + loadReport.errors,
        non2xx: loadReport.non2xx,
        errors: loadReport.errors,
        durationMs: loadReport.durationMs,
      },
      goal: REACTION_GOAL,
    };
  } finally {
    cloudwatch?.destroy();
    await counter?.stop();
    await world?.stop();
    await Promise.all([moto.stop(), slack.stop()]);
  }
}

type Member = { haproxy: { frontendUrl: string } };

/** Invokes the handler with the alarm news and times until every instance serves the resulting mode. */
async function timeTransition(
  members: readonly Member[],
  sequence: number,
  state: "ALARM" | "OK",
  invoke: (event: unknown) => Promise<FlowDecision[]>,
  calls: CallCounter,
  alarms: CloudWatchClient,
): Promise<ReactionTrial> {
  // CloudWatch changes the alarm's state before it notifies: not part of the measured reaction.
  await setAlarmState(alarms, ALARM, state, "bench");
  const event = alarmNotification(ALARM, state, new Date(Date.now() - 1_000), sequence);
  const serves =
    state === "ALARM"
      ? (status: number, body: string) => status === 503 && body.includes(SORRY_MARKER)
      : (status: number) => status === 200;
  calls.reset();
  const startedAt = new Date();
  const started = performance.now();
  let handlerMs = 0;
  const handled = invoke(event).then((decisions) => {
    handlerMs = Math.round(performance.now() - started);
    return decisions;
  });
  handled.catch(() => undefined);
  const times = await Promise.all(
    members.map((m) => waitUntilServing(m.haproxy.frontendUrl, serves, started)),
  );
  const [decision] = await handled;
  if (decision?.outcome !== "applied") {
    const failures = decision?.observed.instances
      .filter((i) => i.status !== "converged")
      .map((i) => `${i.instanceId} ${i.status}: ${i.message ?? ""}`);
    throw new Error(
      `reaction bench: ${state} was not applied: ${decision?.rule} ${decision?.outcome} ${decision?.error?.message ?? ""}\n${failures?.join("\n")}`,
    );
  }
  return {
    allServingMs: Math.round(Math.max(...times)),
    fastestInstanceMs: Math.round(Math.min(...times)),
    handlerMs,
    firstSendCommandMs: calls.calls().find((c) => c.operation === "SendCommand")?.atMs ?? null,
    awsWaitBeforeSendMs: awsWaitBeforeSend(calls),
    beforeSend: callsBeforeSend(calls),
    startedAt: startedAt.toISOString(),
    outcome: `${decision.rule} ${decision.outcome}`,
  };
}

/**
 * How much of the time before SendCommand the handler spent waiting for AWS answers: the union of the
 * [sent, answered] intervals of the calls before it (parallel calls count once). The rest is our own work.
 */
function awsWaitBeforeSend(calls: CallCounter): number {
  const all = calls.calls();
  const send = all.findIndex((c) => c.operation === "SendCommand");
  const sendAt = send === -1 ? Number.POSITIVE_INFINITY : (all[send]?.atMs ?? 0);
  const spans = all
    .slice(0, send === -1 ? all.length : send)
    .map((c) => [c.atMs ?? 0, Math.min(c.doneMs ?? sendAt, sendAt)] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return Math.round(total);
}

/** flowctl's own elapsedMs on each instance for the commands sent since `since` (read after the trial). */
async function flowctlTimes(
  world: Awaited<ReturnType<typeof startFleetWorld>>,
  client: SSMClient,
  since: string,
): Promise<{ median: number; max: number }> {
  const elapsed: number[] = [];
  for (const command of world.standIn.commands().filter((c) => c.requestedAt.toISOString() >= since)) {
    for (const instanceId of command.instanceIds) {
      const out = await client.send(
        new GetCommandInvocationCommand({ CommandId: command.commandId, InstanceId: instanceId }),
      );
      const json = JSON.parse(out.StandardOutputContent?.trim() || "{}") as { elapsedMs?: number };
      if (typeof json.elapsedMs === "number") elapsed.push(json.elapsedMs);
    }
  }
  return elapsed.length === 0
    ? { median: 0, max: 0 }
    : { median: Math.round(median(elapsed)), max: Math.max(...elapsed) };
}

/** The AWS calls the handler made before its first SendCommand, "operation@ms" in order: our side's path. */
function callsBeforeSend(calls: CallCounter): string[] {
  const all = calls.calls();
  const send = all.findIndex((c) => c.operation === "SendCommand");
  return all.slice(0, send === -1 ? all.length : send + 1).map((c) => `${c.operation}@${c.atMs ?? "?"}`);
}

/** Polls one instance as a new visitor (no cookie) until `serves` holds; ms since `started`. */
async function waitUntilServing(
  url: string,
  serves: (status: number, body: string) => boolean,
  started: number,
): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    while (performance.now() - started < SERVE_TIMEOUT_MS) {
      const { status, body } = await fetchPage(`${url}/products`, agent).catch(() => ({
        status: 0,
        body: "",
      }));
      if (serves(status, body)) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    throw new Error(`reaction bench: ${url} did not serve the new mode within ${SERVE_TIMEOUT_MS} ms`);
  } finally {
    agent.destroy();
  }
}

function fetchPage(url: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, timeout: 2_000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}
