import { readFileSync } from "node:fs";
import path from "node:path";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { buildCanaryRuntime } from "../../../functions/canary/deps";
import { buildCertRotationRuntime } from "../../../functions/cert-rotation/deps";
import { buildFlowControlRuntime } from "../../../functions/flow-control/deps";
import { buildOriginBalancerRuntime } from "../../../functions/origin-balancer/deps";
import { parseStageConfig } from "../../../shared/config/stage-config";
import type { OverrideReader } from "../../../shared/ports/override-store";
import type { ColdStart } from "../../../shared/runtime/bootstrap";
import { createLogger } from "../../../shared/runtime/logger";

const root = path.resolve(__dirname, "../../..");
const config = parseStageConfig(readFileSync(path.join(root, "config/example.yml"), "utf8"), "example.yml");
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;

/** A cold start whose SSM client counts what it is asked (and finds no parameter), with no Slack. */
function countingColdStart() {
  const calls: string[] = [];
  const ssm = {
    send: async (command: { constructor: { name: string } }) => {
      calls.push(command.constructor.name);
      return { Parameters: [] };
    },
  } as unknown as SSMClient;
  const base: ColdStart = {
    env: { stage: config.stage, configFile: "example.yml", logLevel: "info" },
    config,
    logger: createLogger({ write: () => undefined }),
    ssm,
    notifier: { post: async () => ({ ok: true, ts: "1" }), update: async (ts) => ({ ok: true, ts }) },
  };
  const listings = () => calls.filter((c) => c === "GetParametersByPathCommand").length;
  return { base, listings };
}

async function listTwice(overrides: OverrideReader): Promise<void> {
  await overrides.list();
  await overrides.list();
}

/**
 * functions/<name>/deps.ts is the only wiring: Lambda, the tests (test/support/runtimes.ts) and the bench
 * build every runtime through it. So what it promises is tested here, on the wiring that ships.
 */
describe("the one wiring in functions/<name>/deps.ts", () => {
  it.each([
    ["flow-control", buildFlowControlRuntime],
    ["cert-rotation", buildCertRotationRuntime],
    ["canary", buildCanaryRuntime],
  ] as const)("%s lists the overrides once per invocation, and again in the next one", async (_, build) => {
    const { base, listings } = countingColdStart();
    const runtime = build(base, { aws: { region: "eu-west-1", endpoint: "http://127.0.0.1:9" } });
    await listTwice(runtime.deps(context).overrides);
    expect(listings()).toBe(1);
    await listTwice(runtime.deps(context).overrides);
    expect(listings()).toBe(2);
  });

  it("takes its clock and deadline from the wiring it is given, and Lambda's by default", () => {
    const { base } = countingColdStart();
    const at = new Date("2026-11-02T20:00:00Z");
    const injected = buildOriginBalancerRuntime(base, { now: () => at, deadline: () => () => at }).deps(
      context,
    );
    expect(injected.now()).toBe(at);
    expect(injected.deadline()).toBe(at);
    const lambda = buildOriginBalancerRuntime(base).deps(context);
    // Lambda's 60 s left minus the balancer's 5 s for recording.
    expect(lambda.deadline().getTime() - Date.now()).toBeGreaterThan(50_000);
    expect(lambda.deadline().getTime() - Date.now()).toBeLessThanOrEqual(55_000);
  });
});
