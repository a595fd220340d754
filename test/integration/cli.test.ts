import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { GetParameterCommand, GetParametersByPathCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWeightedRecords } from "../../sandbox/seed/balancer-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { runAutopilot as autopilot } from "../support/autopilot-cli";
import { motoClientOptions, motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();
const PREFIX = "/traffic-autopilot/clitest";

/** The AWS SDK warns once per process on Node 20 (its support ends in 2027); that is not our output. */
const ours = (stderr: string) =>
  stderr.replace(
    /^\(node:\d+\) (Warning: )?NodeVersionSupportWarning[\s\S]*?https:\S+\n(\(Use `node --trace-warnings[^\n]*\n)?/m,
    "",
  );

describe.skipIf(!hasMoto)("autopilot CLI against the local sandbox (moto + Slack sink)", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let workdir: string;
  let session: string[];
  const ssm = () => createSsmClient(motoClientOptions(moto.url));
  const storedOverrides = async () =>
    (await ssm().send(new GetParametersByPathCommand({ Path: `${PREFIX}/overrides`, Recursive: true })))
      .Parameters ?? [];
  const pin = (...extra: string[]) => [...pinArgs(...extra), ...session];

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    const options = motoClientOptions(moto.url);
    await ssm().send(
      new PutParameterCommand({
        Name: `${PREFIX}/slack-token`,
        Value: "xoxb-cli-test",
        Type: "SecureString",
        // The SDK may retry a slow first attempt that moto did carry out.
        Overwrite: true,
      }),
    );
    const { hostedZoneId } = await seedWeightedRecords(
      createRoute53Client(options),
      "cli.example.com",
      "img-origin.cli.example.com",
      [
        { setIdentifier: "primary", weight: 254, value: "primary.origins.example.net", ttl: 60 },
        { setIdentifier: "elastic", weight: 1, value: "elastic.origins.example.net", ttl: 60 },
      ],
    );
    workdir = mkdtempSync(path.join(tmpdir(), "autopilot-cli-"));
    const configFile = path.join(workdir, "clitest.yml");
    writeFileSync(
      configFile,
      `stage: clitest
region: eu-west-1
parameterPrefix: ${PREFIX}
slack: { channel: "#ops", tokenParameter: ${PREFIX}/slack-token }
originBalancer:
  pools:
    - name: images
      record: { hostedZoneId: ${hostedZoneId}, name: img-origin.cli.example.com, type: CNAME }
      distributions: [E2CLITEST001]
      origins: [{ setIdentifier: primary, capacity: 9000 }, { setIdentifier: elastic }]
`,
    );
    const sessionFile = path.join(workdir, "session.json");
    writeFileSync(
      sessionFile,
      JSON.stringify({ motoUrl: moto.url, slackApiUrl: slack.apiUrl, configFile, region: "eu-west-1" }),
    );
    session = ["--session", sessionFile];
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), slack?.stop()]);
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it("prints the status document as JSON with --json", async () => {
    const run = await autopilot(["status", "--json", ...session]);
    expect(ours(run.stderr)).toBe("");
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({
      stage: "clitest",
      originBalancer: [
        { pool: "images", weights: { primary: 254, elastic: 1 }, shares: { primary: 99.6, elastic: 0.4 } },
      ],
      overrides: { active: [], recentlyEnded: [] },
      plans: [],
    });
  });

  it.each([
    [
      "an unknown pool",
      ["override", "pin", "--pool", "nosuch", "--weight", "primary=128", "--reason", "x", "--for", "30m"],
      /no target "nosuch"/,
    ],
    ["a missing reason", pinArgs("--for", "30m"), /required option '--reason <text>' not specified/],
    ["an expiry over the stage's cap", pinArgs("--reason", "INC-1", "--for", "100h"), /more than 72 h away/],
    [
      "no expiry at all",
      pinArgs("--reason", "INC-1"),
      /--for\/--until: an expiry is required: give exactly one of --for 90m\|2h\|1d or --until <ISO time>$/m,
    ],
    [
      "an --until without a zone",
      pinArgs("--reason", "INC-1", "--until", "2026-11-02T18:00:00"),
      /--until: not a time with a zone: give an ISO time ending in Z or an offset/,
    ],
    [
      "a weight that is not a number",
      ["override", "pin", "--pool", "images", "--weight", "primary=abc", "--reason", "x", "--for", "1h"],
      /expected setIdentifier=weight .* got "primary=abc"/,
    ],
    [
      "a weight out of range",
      [
        "override",
        "pin",
        "--pool",
        "images",
        "--weight",
        "primary=300",
        "--weight",
        "elastic=1",
        "--reason",
        "x",
        "--for",
        "1h",
      ],
      /--weight primary=N: a Route 53 weight is a whole number from 0 to 255/,
    ],
    [
      "a pin that leaves out an origin",
      ["override", "pin", "--pool", "images", "--weight", "primary=200", "--reason", "x", "--for", "1h"],
      /must name every origin of images .*missing: elastic/,
    ],
  ])("refuses %s with exit code 2, names the problem, and stores nothing", async (_, args, message) => {
    const run = await autopilot([...args, ...session]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
    expect(await storedOverrides()).toEqual([]);
  });

  it("stores a pin through the override function, prints one human line, and posts it to Slack", async () => {
    const posts = slack.calls.filter((c) => c.method === "chat.postMessage").length;
    const before = Date.now();
    const run = await autopilot(
      pin("--reason", "INC-1 primary degraded", "--for", "30m", "--author", "alice"),
    );
    expect(ours(run.stderr)).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^accepted: pin primary=128 elastic=127 on origin-balancer\/images by alice until \d{4}-\d{2}-\d{2} \d{2}:\d{2}Z \(ovr-[0-9a-f]{8}\)\n {2}takes effect at origin-balancer's next scheduled run; the local sandbox runs none: add --now to run it now\n$/,
    );
    const stored = await ssm().send(
      new GetParameterCommand({ Name: `${PREFIX}/overrides/origin-balancer/images` }),
    );
    const override = JSON.parse(stored.Parameter?.Value ?? "{}");
    expect(override).toMatchObject({
      automation: "origin-balancer",
      target: "images",
      action: { kind: "pin", weights: { primary: 128, elastic: 127 } },
      author: "alice",
      invoker: `${userInfo().username} (local sandbox)`,
      reason: "INC-1 primary degraded",
    });
    const minutes = (Date.parse(override.expiresAt) - before) / 60_000;
    expect(minutes).toBeGreaterThan(29.5);
    expect(minutes).toBeLessThan(31);
    expect(slack.calls.filter((c) => c.method === "chat.postMessage").length).toBe(posts + 1);
  });

  it("exits 1 when another author holds the scope and --replace is not given, leaving the pin alone", async () => {
    const run = await autopilot(pin("--reason", "I want it", "--for", "1h", "--author", "bob"));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^refused: origin-balancer images already has an active pin by alice .*; pass --replace to replace it\n$/,
    );
    const stored = await ssm().send(
      new GetParameterCommand({ Name: `${PREFIX}/overrides/origin-balancer/images` }),
    );
    expect(JSON.parse(stored.Parameter?.Value ?? "{}").author).toBe("alice");

    const replaced = await autopilot(
      pin("--reason", "taking over", "--for", "1h", "--author", "bob", "--replace"),
    );
    expect(replaced.code).toBe(0);
    const status = JSON.parse((await autopilot(["--json", "status", ...session])).stdout);
    expect(status.originBalancer[0].override).toMatchObject({ author: "bob", reason: "taking over" });
  });

  it("prints the status as tables by default, the pin included", async () => {
    const run = await autopilot(["status", ...session]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ORIGIN BALANCER\npool\s+weights\s+shares %/);
    expect(run.stdout).toMatch(
      /images\s+primary=254 elastic=1\s+99\.6\/0\.4\s.*pin primary=128 elastic=127 by bob/,
    );
    expect(run.stdout).toMatch(/OVERRIDES\nid\s+state/);
  });

  it("with --now runs the balancer once, so status shows the pinned weights at once", async () => {
    const run = await autopilot(
      pin("--reason", "INC-2 now", "--for", "30m", "--author", "bob", "--replace", "--now"),
    );
    expect(ours(run.stderr)).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\n {2}now: origin-balancer: .*pin/);
    const status = JSON.parse((await autopilot(["--json", "status", ...session])).stdout);
    expect(status.originBalancer[0].weights).toEqual({ primary: 128, elastic: 127 });
  });

  it("refuses --now without the local sandbox before storing anything", async () => {
    const run = await autopilot([...pinArgs("--reason", "x", "--for", "1h", "--now"), "--stage", "clitest"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--now works with --local only/);
  });

  it("fails with exit code 2 and a hint when there is no sandbox session", async () => {
    const run = await autopilot(["status", "--session", path.join(workdir, "missing.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no sandbox session at .*missing\.json: start one with `npm start -- --keep`/);
  });

  it.each([
    [["--help"], ["status", "override", "plans", "approve", "reject", "backtest", "Exit codes"]],
    [
      ["status", "--help"],
      ["--automation", "--target", "--json", "--local", "--stage"],
    ],
    [
      ["override", "--help"],
      ["pin", "pause", "resume", "force", "clear", "canary", "rotate-now"],
    ],
    [
      ["override", "pin", "--help"],
      ["--pool", "--weight", "--reason", "--for", "--until", "--replace", "--author"],
    ],
    [
      ["override", "pause", "--help"],
      ["--automation", "--target", "--for", "--reason"],
    ],
    [
      ["override", "resume", "--help"],
      ["--automation", "--target", "--reason"],
    ],
    [
      ["override", "clear", "--help"],
      ["--automation", "--target", "--reason"],
    ],
    [
      ["override", "force", "--help"],
      ["--fleet", "--mode", "--admit-rate", "--for"],
    ],
    [
      ["override", "canary", "--help"],
      ["<command>", "--canary", "--for", "--reason"],
    ],
    [
      ["override", "rotate-now", "--help"],
      ["--pair", "--reason"],
    ],
    [
      ["plans", "--help"],
      ["--all", "--json"],
    ],
    [
      ["approve", "--help"],
      ["<id>", "--reason", "--author"],
    ],
    [
      ["reject", "--help"],
      ["<id>", "--reason", "--author"],
    ],
    [
      ["backtest", "--help"],
      ["--trace", "--capacity", "--compare-all"],
    ],
  ])("`autopilot %s` exits 0 and lists the options", async (args, expected) => {
    const run = await autopilot(args);
    expect(run.code).toBe(0);
    for (const option of expected) expect(run.stdout).toContain(option);
  });
});

function pinArgs(...extra: string[]): string[] {
  return [
    "override",
    "pin",
    "--pool",
    "images",
    "--weight",
    "primary=128",
    "--weight",
    "elastic=127",
    ...extra,
  ];
}
