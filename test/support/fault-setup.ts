import type { WebClient } from "@slack/web-api";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";
import { motoClientOptions } from "./moto";

/** The Slack client timeout every fault test uses: the budget a Slack outage may add to a run. */
export const SLACK_TIMEOUT_MS = 2_000;

/**
 * Upper bound on what a Slack outage may add to a run: the client makes at most two attempts of
 * SLACK_TIMEOUT_MS (one retry, 100–300 ms apart) per message, and a run posts one message, plus slack
 * for a loaded 2-core machine. Generous on purpose: it proves "never blocks", not a micro-timing.
 */
export const SLACK_OUTAGE_BUDGET_MS = 10_000;

/** moto and the Slack sink, each behind its own fault proxy: clients talk only to the proxies. */
export interface FaultWorld {
  moto: MotoServer;
  sink: SlackSink;
  /** In front of moto: give its URL to the AWS clients under test. */
  aws: FaultProxy;
  /** In front of the Slack sink. */
  slack: FaultProxy;
  /** SDK client options for the clients under test (through the proxy). */
  viaProxy(): ReturnType<typeof motoClientOptions>;
  /** SDK client options for the test's own seeding and read-back (straight to moto, never faulted). */
  direct(): ReturnType<typeof motoClientOptions>;
  slackClient(): WebClient;
  /** Clears every rule on both proxies. */
  clearFaults(): void;
  stop(): Promise<void>;
}

export async function startFaultWorld(seed = 1): Promise<FaultWorld> {
  const [moto, sink] = await Promise.all([startMoto(), startSlackSink()]);
  const started: { aws?: FaultProxy; slack?: FaultProxy } = {};
  try {
    started.aws = await startFaultProxy({ upstream: moto.url, seed });
    started.slack = await startFaultProxy({ upstream: new URL(sink.apiUrl).origin, seed: seed + 1 });
  } catch (error) {
    await Promise.all([started.aws?.stop(), moto.stop(), sink.stop()]);
    throw error;
  }
  const { aws, slack } = started as Required<typeof started>;
  return {
    moto,
    sink,
    aws,
    slack,
    viaProxy: () => motoClientOptions(aws.url),
    direct: () => motoClientOptions(moto.url),
    slackClient: () => createSlackClient("xoxb-test-token", SLACK_TIMEOUT_MS, `${slack.url}/api/`),
    clearFaults() {
      aws.clear();
      slack.clear();
    },
    async stop() {
      await Promise.all([aws.stop(), slack.stop()]);
      await Promise.all([moto.stop(), sink.stop()]);
    },
  };
}

/** Runs `work` and returns its result with the wall-clock milliseconds it took. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

/**
 * Waits until a call the workflow gave up on at its deadline has stopped retrying inside the SDK (the
 * proxy's request count for it stays still for `quietMs`), so clearing the fault cannot let a late attempt
 * land and blur what the next run did. Bounded: after `maxMs` it returns anyway.
 */
export async function abandonedCallsSettled(
  count: () => number,
  quietMs = 2_500,
  maxMs = 15_000,
): Promise<void> {
  const started = Date.now();
  let last = count();
  let stillSince = Date.now();
  while (Date.now() - started < maxMs && Date.now() - stillSince < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = count();
    if (now !== last) {
      last = now;
      stillSince = Date.now();
    }
  }
}
