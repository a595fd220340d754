import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FleetWorld, startFleetWorld } from "../../sandbox/seed/fleet-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { runAutopilot } from "../support/autopilot-cli";
import { skipHaproxyTests } from "../support/haproxy-instance";
import { motoClientOptions, motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();
const noHaproxy = skipHaproxyTests();
const PREFIX = "/traffic-autopilot/clifleet";
const DOCUMENT = "TrafficAutopilot-FlowControl";

/**
 * `autopilot --local override force|clear` reaches the real flow-control function in-process (as the
 * override function's Lambda invoke would), which converges real HAProxy instances through the Run
 * Command stand-in; an error in that delegated run is said and exits non-zero, in text and JSON.
 */
describe.skipIf(!hasMoto || noHaproxy)("autopilot --local forcing flow control on a HAProxy fleet", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let fleet: FleetWorld;
  let workdir: string;
  let session: string[];
  const modes = async () =>
    (await Promise.all(fleet.members.map((m) => m.haproxy.status()))).map((s) => s.mode);
  const force = (mode: string, ...extra: string[]) => [
    "override",
    "force",
    "--fleet",
    "web",
    "--mode",
    mode,
    "--reason",
    "drill",
    "--for",
    "30m",
    "--replace",
    ...extra,
    ...session,
  ];
  const clear = (...extra: string[]) => [
    "override",
    "clear",
    "--automation",
    "flow-control",
    "--target",
    "web",
    "--reason",
    "drill over",
    ...extra,
    ...session,
  ];

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    const options = motoClientOptions(moto.url);
    await createSsmClient(options).send(
      new PutParameterCommand({
        Name: `${PREFIX}/slack-token`,
        Value: "xoxb-cli-test",
        Type: "SecureString",
        Overwrite: true,
      }),
    );
    fleet = await startFleetWorld({
      motoUrl: moto.url,
      // Seeding waits as long as moto needs: RunInstances is not idempotent, so no timeout-driven retry.
      ec2: new EC2Client(options),
      tag: { key: "Role", value: "web" },
      size: 1,
      documentName: DOCUMENT,
      deliveryTimeoutMs: 1_500,
    });
    workdir = mkdtempSync(path.join(tmpdir(), "autopilot-cli-fleet-"));
    const configFile = path.join(workdir, "clifleet.yml");
    writeFileSync(
      configFile,
      `stage: clifleet
region: eu-west-1
parameterPrefix: ${PREFIX}
slack: { channel: "#ops", tokenParameter: ${PREFIX}/slack-token }
flowControl:
  alarmTopicArns: [arn:aws:sns:eu-west-1:123456789012:traffic-autopilot-alarms]
  documentName: ${DOCUMENT}
  commands: { maxConcurrency: "10", maxErrors: "50%", pollIntervalMs: 50 }
  fleets:
    - name: web
      tag: { key: Role, value: web }
      minEngagedMinutes: 0
      alarms:
        - { alarmName: web-overload, onAlarm: close, onOk: open }
`,
    );
    const sessionFile = path.join(workdir, "session.json");
    writeFileSync(
      sessionFile,
      JSON.stringify({
        motoUrl: moto.url,
        slackApiUrl: slack.apiUrl,
        configFile,
        region: "eu-west-1",
        runCommandUrl: fleet.standIn.url,
      }),
    );
    session = ["--session", sessionFile];
  });

  afterAll(async () => {
    await fleet?.stop();
    await Promise.all([moto?.stop(), slack?.stop()]);
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it("closes the fleet on `override force --mode closed` and says so; status shows the force", async () => {
    const run = await runAutopilot(force("closed"));
    expect(run.stderr).not.toMatch(/failed|InvalidEventError/);
    // Node 20 only: the SDK's support warning is not the CLI's output (cli/sdk-warning.ts).
    expect(run.stderr).not.toContain("NodeVersionSupportWarning");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^accepted: force closed on flow-control\/web by /);
    expect(await modes()).toEqual(["closed"]);
    const status = JSON.parse((await runAutopilot(["status", "--json", ...session])).stdout);
    expect(status.flowControl[0]).toMatchObject({ fleet: "web", override: { action: { mode: "closed" } } });
  });

  it("reopens the fleet on `override clear`", async () => {
    const run = await runAutopilot(clear());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^accepted: clear — force closed on flow-control\/web/);
    expect(await modes()).toEqual(["open"]);
  });

  it.each([
    ["text", []],
    ["JSON", ["--json"]],
  ])("exits 3 and names the error when the delegated converge fails (%s)", async (_, extra) => {
    const [member] = fleet.members;
    if (!member) throw new Error("no fleet member");
    const repair = await fleet.breakFlowctl(member.instanceId);
    try {
      const run = await runAutopilot(force("closed", ...extra));
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        /delegated run failed \(flow-control fleet web \(Role=web\)\): FleetPartialFailureError/,
      );
      if (extra.length > 0) expect(JSON.parse(run.stdout).accepted).toBe(true);
    } finally {
      await repair();
      await runAutopilot(clear());
    }
  });
});
