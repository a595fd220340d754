/**
 * `npm start`: the origin balancer end to end on the embedded default, with no AWS account.
 * Starts moto and a Slack sink on loopback, seeds a hosted zone with weighted records and a bundled
 * trace's CloudFront metrics, then invokes the real handler minute by minute on an accelerated clock
 * and checks what happened against moto's state and the Slack sink. Exits 0 only if every check holds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { createOriginBalancerRuntime } from "../functions/origin-balancer/deps";
import { createHandler } from "../functions/origin-balancer/handler";
import { createRoute53Client, createSsmClient } from "../shared/adapters/aws/clients";
import { parseTrace } from "../tools/backtest/trace";
import { putCloudFrontMetrics, seedWeightedRecords } from "./seed/balancer-world";
import { MOTO_INSTALL_HINT, motoAvailable, startMoto } from "./servers/moto-server";
import { startSlackSink } from "./servers/slack-sink";

const root = path.resolve(__dirname, "..");
const TRACE = path.join(root, "test/fixtures/traces/sale-spike.csv");
/** The sale starts at 20:00; play 19:40-21:10 so the run shows calm, spike and holding. */
const FIRST_MINUTE = 19 * 60 + 40;
const LAST_MINUTE = 21 * 60 + 10;

async function main(): Promise<number> {
  if (!motoAvailable()) {
    console.error(`moto is not installed. Install it with: ${MOTO_INSTALL_HINT}`);
    return 1;
  }
  const started = Date.now();
  const [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
  const workdir = mkdtempSync(path.join(tmpdir(), "autopilot-sandbox-"));
  const stop = async () => {
    await Promise.all([moto.stop(), slack.stop()]);
    rmSync(workdir, { recursive: true, force: true });
  };
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  try {
    // The SDK reads these standard settings; nothing can reach a real account.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: "sandbox",
      AWS_SECRET_ACCESS_KEY: "sandbox",
      AWS_REGION: "eu-west-1",
      AWS_PROFILE: "",
      STAGE: "sandbox",
      SLACK_API_URL: slack.apiUrl,
      LOG_LEVEL: "warn",
    });
    const options = { region: "eu-west-1" };
    const ssm = createSsmClient(options);
    await ssm.send(
      new PutParameterCommand({
        Name: "/traffic-autopilot/sandbox/slack-token",
        Value: "xoxb-sandbox",
        Type: "SecureString",
      }),
    );
    const { hostedZoneId } = await seedWeightedRecords(
      createRoute53Client(options),
      "sandbox.example.com",
      "img-origin.sandbox.example.com",
      [
        {
          setIdentifier: "primary",
          weight: 254,
          value: "primary.origins.example.net",
          ttl: 60,
          withHealthCheck: true,
        },
        { setIdentifier: "elastic", weight: 1, value: "elastic.origins.example.net", ttl: 60 },
      ],
    );
    const configFile = path.join(workdir, "sandbox.yml");
    writeFileSync(
      configFile,
      readFileSync(path.join(root, "config/sandbox.yml"), "utf8").replaceAll("Z0SANDBOX0001", hostedZoneId),
    );
    process.env.CONFIG_FILE = configFile;

    // CloudWatch (and moto) refuse datapoints older than two weeks: replay the trace's minutes on the
    // last hours of today's clock, keeping their time of day in the timeline output.
    const trace = parseTrace(readFileSync(TRACE, "utf8"), "sale-spike.csv");
    const shift =
      Math.floor(Date.now() / 60_000) * 60_000 -
      (LAST_MINUTE + 1) * 60_000 -
      Date.parse(trace[0]?.minute ?? "");
    const replayed = (minute: number) => new Date(Date.parse(trace[minute]?.minute ?? "") + shift);
    await putCloudFrontMetrics(
      // moto cannot read the gzipped bodies the SDK sends for larger PutMetricData calls.
      new CloudWatchClient({ region: "us-east-1", disableRequestCompression: true }),
      "E2SANDBOX0001",
      trace
        .slice(FIRST_MINUTE - 15, LAST_MINUTE)
        .map((row, i) => ({ ...row, minute: replayed(FIRST_MINUTE - 15 + i) })),
    );
    let clock = replayed(FIRST_MINUTE);
    const runtime = await createOriginBalancerRuntime();
    const handler = createHandler(async () => ({
      ...runtime,
      deps: (ctx) => ({ ...runtime.deps(ctx), now: () => clock }),
    }));
    const context = { getRemainingTimeInMillis: () => 60_000 } as Context;

    console.log(`sandbox: moto ${moto.url}, Slack sink ${slack.apiUrl}, zone ${hostedZoneId}`);
    console.log("scene 1: a sale spike at 20:00 -> the balancer shifts weights to the elastic origin\n");
    const applied: { at: string; primary: number }[] = [];
    for (let minute = FIRST_MINUTE; minute <= LAST_MINUTE; minute++) {
      clock = replayed(minute);
      const traceTime = trace[minute]?.minute ?? "";
      const decisions = await handler(scheduledEvent(clock), context);
      for (const d of decisions) {
        if (d.outcome === "unchanged") continue;
        console.log(`${traceTime.slice(11, 16)}  ${d.outcome.padEnd(8)} ${d.headline}`);
        if (d.outcome === "applied") applied.push({ at: traceTime, primary: d.after.weights.primary ?? 0 });
      }
    }
    const posts = slack.calls.filter((c) => c.method === "chat.postMessage").length;
    const checks: [string, boolean][] = [
      ["weights moved to the elastic origin during the spike", applied.some((a) => a.primary < 100)],
      [
        "the primary carried under a third of the load at the sale's peak",
        applied.some(
          (a) => a.at >= "2026-11-02T20:00:00Z" && a.at < "2026-11-02T20:15:00Z" && a.primary < 85,
        ),
      ],
      ["every applied change was posted to Slack", posts >= applied.length && applied.length > 0],
    ];
    console.log("");
    for (const [name, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"}  ${name}`);
    console.log(
      `\n${applied.length} weight changes, ${posts} Slack messages, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return checks.every(([, ok]) => ok) ? 0 : 1;
  } catch (error) {
    console.error(`moto log (last lines):\n${moto.log().split("\n").slice(-15).join("\n")}`);
    throw error;
  } finally {
    await stop();
  }
}

function scheduledEvent(at: Date) {
  return {
    version: "0",
    id: `sandbox-${at.getTime()}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: at.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: "eu-west-1",
    resources: ["arn:aws:events:eu-west-1:123456789012:rule/traffic-autopilot-sandbox-origin-balancer"],
    detail: {},
  };
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
