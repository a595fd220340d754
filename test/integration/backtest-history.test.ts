import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putCloudFrontMetrics } from "../../sandbox/seed/balancer-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { readTrace } from "../../tools/backtest/run-backtest";
import { runAutopilot as autopilot } from "../support/autopilot-cli";
import { motoClientOptions, motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();
const root = path.resolve(__dirname, "../..");

// The sandbox seeds the sale-spike trace's CloudFront series onto today's clock, ending now; this test
// seeds a day of it the same way (the sandbox's own seeding function) and replays it with the CLI.
describe.skipIf(!hasMoto)("autopilot backtest --stage --pool --days against moto", () => {
  let moto: MotoServer;
  let workdir: string;
  let session: string[];

  beforeAll(async () => {
    moto = await startMoto();
    workdir = mkdtempSync(path.join(tmpdir(), "autopilot-history-"));
    const trace = readTrace(
      readFileSync(path.join(root, "test/fixtures/traces/sale-spike.csv"), "utf8"),
      "sale-spike.csv",
    );
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const cloudwatch = new CloudWatchClient({
      ...motoClientOptions(moto.url),
      region: "us-east-1",
      disableRequestCompression: true, // moto cannot read the SDK's gzipped PutMetricData bodies
    });
    await putCloudFrontMetrics(
      cloudwatch,
      "E2SANDBOX0001",
      trace.map((row, i) => ({ ...row, minute: new Date(end - (trace.length - i) * 60_000) })),
    );
    const sessionFile = path.join(workdir, "session.json");
    writeFileSync(
      sessionFile,
      JSON.stringify({
        motoUrl: moto.url,
        slackApiUrl: "http://127.0.0.1:9/api/",
        configFile: path.join(root, "config/sandbox.yml"),
        region: "eu-west-1",
      }),
    );
    session = ["--session", sessionFile];
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
    rmSync(workdir, { recursive: true, force: true });
  });

  it("reads a day of the pool's history, writes the trace and the report, and exits 0", async () => {
    const out = path.join(workdir, "out");
    const run = await autopilot([
      "backtest",
      "--stage",
      "sandbox",
      "--pool",
      "images",
      "--days",
      "1",
      "--out",
      out,
      ...session,
    ]);

    expect(run.stderr.replace(/^\(node:[\s\S]*$/m, "")).toBe("");
    expect(run.code).toBe(0);
    const trace = readFileSync(path.join(out, "sandbox-images.csv"), "utf8");
    // 1,440 minutes, consecutive, the formula's load as the seeded trace's (20:00 sale included)
    expect(readTrace(trace, "sandbox-images.csv")).toHaveLength(1440);
    expect(run.stdout).toContain("1440 minutes read");
    expect(run.stdout).toMatch(/overload excess/);
    expect(existsSync(path.join(out, "sandbox-images.html"))).toBe(true);
    expect(readFileSync(path.join(out, "sandbox-images.html"), "utf8")).toContain("<svg");
  });

  it.each([
    [
      ["--pool", "videos", "--days", "1"],
      /--pool videos: no such pool in config\/sandbox.yml \(pools: images\)/,
    ],
    [
      ["--pool", "images", "--days", "15"],
      /--days.*from 1 to 14: CloudFront's 1-minute datapoints are kept 15 days/,
    ],
    [["--pool", "images", "--days", "0"], /from 1 to 14/],
  ])("refuses %j with exit 2 and a clear message", async (args, message) => {
    const run = await autopilot(["backtest", "--stage", "sandbox", ...args, ...session]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
