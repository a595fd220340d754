import { readFileSync } from "node:fs";
import path from "node:path";
import type { Context } from "aws-lambda";
import { expect, vi } from "vitest";
import { type MotoServer, startMoto } from "../../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../../sandbox/servers/slack-sink";
import { createSsmClient } from "../../../shared/adapters/aws/clients/ssm";
import { createSlackClient } from "../../../shared/adapters/slack/slack-client";
import { createSlackNotifier } from "../../../shared/adapters/slack/slack-notifier";
import { parseStageConfig, type StageConfig } from "../../../shared/config/stage-config";
import type { ColdStart } from "../../../shared/runtime/bootstrap";
import { createLogger } from "../../../shared/runtime/logger";
import { motoClientOptions } from "../../support/moto";
import {
  type MotoSnapshot,
  motoDump,
  snapshotDifferences,
  snapshotOf,
  ssmParametersUnder,
} from "../../support/moto-state";
import type { Tally } from "./verdict";

export const PREFIX = "/traffic-autopilot/test";
export const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const events = path.resolve(__dirname, "../../fixtures/events");
export const fixture = (file: string): unknown => JSON.parse(readFileSync(path.join(events, file), "utf8"));

/** moto and a Slack sink for one fuzz file, and what every handler's cold start would build on them. */
export interface FuzzServers {
  moto: MotoServer;
  slack: SlackSink;
  logLines: string[];
  options: ReturnType<typeof motoClientOptions>;
  base(stageYaml: string): ColdStart & { config: StageConfig };
  stop(): Promise<void>;
}

export async function startFuzzServers(): Promise<FuzzServers> {
  const [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
  const logLines: string[] = [];
  const options = motoClientOptions(moto.url);
  return {
    moto,
    slack,
    logLines,
    options,
    base(stageYaml) {
      const config = parseStageConfig(stageYaml, "test.yml");
      const logger = createLogger({ write: (line) => logLines.push(line) });
      const notifier = createSlackNotifier(
        createSlackClient("xoxb-fuzz-token", 2_000, slack.apiUrl),
        config.slack.channel,
        logger,
      );
      return {
        env: { stage: "test", configFile: "test.yml", logLevel: "info" },
        config,
        logger,
        ssm: createSsmClient(options),
        notifier,
      };
    },
    stop: async () => {
      await Promise.all([moto.stop(), slack.stop()]);
    },
  };
}

/** What a property run is checked against: moto's state of the named services and our SSM parameters. */
export interface WorldBefore {
  snapshot: MotoSnapshot;
  parameters: string[];
  alerts: number;
  logged: number;
}

export async function takeBefore(servers: FuzzServers, services: readonly string[]): Promise<WorldBefore> {
  const dump = await motoDump(servers.moto.url);
  return {
    snapshot: snapshotOf(dump, services),
    parameters: ssmParametersUnder(dump, PREFIX),
    alerts: alertCount(servers.slack),
    logged: servers.logLines.length,
  };
}

/**
 * Runs `fn` with process.stdout captured: before a handler's first cold start its error middleware logs
 * through the default logger, which writes there.
 */
export async function capturingStdout(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

/**
 * After the property run: moto byte-for-byte unchanged, no state parameter written, and every rejection
 * reported (an "invocation failed" log line and a Slack alert from the handler's error middleware), so
 * nothing failed silently.
 */
export async function expectWorldUnchanged(
  servers: FuzzServers,
  services: readonly string[],
  before: WorldBefore,
  tally: Tally,
  stdout: readonly string[],
  // The override function logs an operator's invalid request but does not post it: the operator sees it.
  alertsPerRejection = 1,
): Promise<void> {
  const dump = await motoDump(servers.moto.url);
  expect(snapshotDifferences(before.snapshot, snapshotOf(dump, services))).toEqual([]);
  expect(ssmParametersUnder(dump, PREFIX)).toEqual(before.parameters);
  const rejected = [...tally.counts]
    .filter(([k]) => k.startsWith("rejected:"))
    .reduce((n, [, v]) => n + v, 0);
  expect(alertCount(servers.slack) - before.alerts).toBe(rejected * alertsPerRejection);
  const failures = [...stdout, ...servers.logLines.slice(before.logged)].filter(
    (line) =>
      // A malformed SNS or EventBridge event is logged as rejected (returned, not retried).
      line.includes('"message":"invocation failed"') ||
      line.includes('"message":"event rejected, not retried"'),
  );
  expect(failures).toHaveLength(rejected);
}

function alertCount(slack: SlackSink): number {
  return slack.calls.filter(
    (c) => c.method === "chat.postMessage" && String(c.body.text ?? "").includes(":rotating_light:"),
  ).length;
}
