import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as canary from "../../functions/canary/deps";
import { createHandler as canaryHandler } from "../../functions/canary/handler";
import * as certRotation from "../../functions/cert-rotation/deps";
import { createHandler as certRotationHandler } from "../../functions/cert-rotation/handler";
import * as flowControl from "../../functions/flow-control/deps";
import { createHandler as flowControlHandler } from "../../functions/flow-control/handler";
import * as originBalancer from "../../functions/origin-balancer/deps";
import { createHandler as originBalancerHandler } from "../../functions/origin-balancer/handler";
import * as override from "../../functions/override/deps";
import { createHandler as overrideHandler } from "../../functions/override/handler";
import * as slackChatops from "../../functions/slack-chatops/deps";
import { createHandler as slackChatopsHandler } from "../../functions/slack-chatops/handler";
import * as status from "../../functions/status/deps";
import { createHandler as statusHandler } from "../../functions/status/handler";
import { freeLoopbackPort } from "../../sandbox/servers/free-port";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { signedRequest, slashCommandBody } from "../../sandbox/servers/slack-interactivity";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { compileStageConfig } from "../../shared/config/compile-stage-config";
import { createLogger } from "../../shared/runtime/logger";
import { captureOutput, startTokenCheckingSlack } from "../support/leak-probes";
import { motoClientOptions, motoOrSkip } from "../support/moto";
import { everyAutomationStage } from "../support/stages";

const hasMoto = motoOrSkip();
/** The Slack token: unique per run, so finding it anywhere in the output can only mean it leaked. */
const MARKER = `xoxb-${randomUUID()}`;
const PREFIX = "/traffic-autopilot/test";
const fixtures = path.resolve(__dirname, "../fixtures/events");
const fixture = (file: string) => JSON.parse(readFileSync(path.join(fixtures, file), "utf8"));
const context = {
  getRemainingTimeInMillis: () => 30_000,
  awsRequestId: "req-secrets",
  functionName: "test",
} as unknown as Context;

/** The Slack app's signing secret: as unique, and as forbidden in the output, as the token. */
const SIGNING_SECRET = `signing-${randomUUID()}`;
const STAGE = `${everyAutomationStage({
  prefix: PREFIX,
  hostedZoneId: "Z0NOSUCHZONE1",
  distribution: "E2SECRETS0001",
  slackTimeoutMs: 1000,
})}
slackChatops:
  signingSecretParameter: ${PREFIX}/slack-signing-secret
  allowlist: { U0SECRETS1: alice }
`;
const slash = (text: string) =>
  slashCommandBody({
    userId: "U0SECRETS1",
    text,
    responseUrl: "https://hooks.slack.com/commands/T0/1/secrets",
  });

/** An engage alarm dated now, so flow control really decides (and tries to reach the fleet). */
function engageAlarmNow() {
  const event = fixture("sns/flow-control-engage-alarm.json");
  const message = JSON.parse(event.Records[0].Sns.Message);
  message.StateChangeTime = new Date().toISOString().replace("Z", "+0000");
  event.Records[0].Sns.Message = JSON.stringify(message);
  return event;
}

/** Each function, built fresh (a cold start: environment, config, token, Slack client), with its events. */
const functions: {
  name: string;
  build: () => (event: unknown, context: Context) => Promise<unknown>;
  events: unknown[];
}[] = [
  {
    name: "origin-balancer",
    build: () => originBalancerHandler(originBalancer.createOriginBalancerRuntime),
    events: [fixture("eventbridge/scheduled-event.json"), { bad: true }],
  },
  {
    name: "flow-control",
    build: () => flowControlHandler(flowControl.createFlowControlRuntime),
    events: [
      engageAlarmNow(),
      fixture("eventbridge/scheduled-event.json"),
      fixture("sns/non-alarm-message.json"),
    ],
  },
  {
    name: "cert-rotation",
    build: () => certRotationHandler(certRotation.createCertRotationRuntime),
    events: [
      fixture("eventbridge/scheduled-event.json"),
      fixture("eventbridge/acm-certificate-available.json"),
      { "detail-type": 1 },
    ],
  },
  {
    name: "canary",
    build: () => canaryHandler(canary.createCanaryRuntime),
    events: [
      { canaryCommand: { kind: "start", canary: "web", author: "alice", reason: "release" } },
      fixture("eventbridge/scheduled-event.json"),
      { canaryCommand: { kind: "start" } },
    ],
  },
  {
    name: "override",
    build: () => overrideHandler(override.createOverrideRuntime),
    events: [
      {
        action: "pause",
        automation: "canary",
        author: "alice",
        reason: "secrets test",
        expiresInMinutes: 30,
      },
      { action: "pin" },
    ],
  },
  {
    name: "slack-chatops",
    build: () => slackChatopsHandler(slackChatops.createSlackChatopsRuntime),
    events: [
      // Verified and queued for the override function (which this test's Lambda cannot reach).
      signedRequest(SIGNING_SECRET, slash("pause --automation canary --for 1h --reason secrets"), {
        timestamp: Math.floor(Date.now() / 1000),
      }),
      signedRequest("forged", slash("approve plan-1a2b3c4d --reason x"), {
        timestamp: Math.floor(Date.now() / 1000),
      }),
    ],
  },
  {
    name: "status",
    build: () => statusHandler(status.createStatusRuntime),
    events: [{}, { automation: "nope" }],
  },
];

describe.skipIf(!hasMoto)("the Slack token never reaches the logs", () => {
  let moto: MotoServer;
  let slack: Awaited<ReturnType<typeof startTokenCheckingSlack>>;
  let scratch: string;
  let closedPort: number;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [moto, slack, closedPort] = await Promise.all([
      startMoto(),
      startTokenCheckingSlack(),
      freeLoopbackPort(),
    ]);
    await createSsmClient(motoClientOptions(moto.url)).send(
      new PutParameterCommand({
        Name: `${PREFIX}/slack-token`,
        Value: MARKER,
        Type: "SecureString",
        Overwrite: true,
      }),
    );
    await createSsmClient(motoClientOptions(moto.url)).send(
      new PutParameterCommand({
        Name: `${PREFIX}/slack-signing-secret`,
        Value: SIGNING_SECRET,
        Type: "SecureString",
        Overwrite: true,
      }),
    );
    scratch = mkdtempSync(path.join(tmpdir(), "ta-secrets-"));
    writeFileSync(path.join(scratch, "test.json"), compileStageConfig(STAGE, "test.yml"));
  });

  afterAll(async () => {
    process.env = savedEnv;
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  /** The functions' environment as Lambda would give it, pointed at moto; nothing inherited from the machine. */
  function environment(brokenAws: boolean) {
    const broken = `http://127.0.0.1:${closedPort}`;
    process.env = {
      PATH: savedEnv.PATH ?? "",
      HOME: savedEnv.HOME ?? "",
      STAGE: "test",
      CONFIG_FILE: path.join(scratch, "test.json"),
      SLACK_API_URL: slack.apiUrl,
      LOG_LEVEL: "debug",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_ENDPOINT_URL: moto.url,
      // Every service but SSM (the token and state) refuses connections: each AWS call fails.
      ...(brokenAws
        ? Object.fromEntries(
            ["EC2", "ROUTE_53", "ELASTIC_LOAD_BALANCING_V2", "ACM", "CLOUDWATCH", "LAMBDA"].map((s) => [
              `AWS_ENDPOINT_URL_${s}`,
              broken,
            ]),
          )
        : {}),
    };
  }

  it.each([
    ["Slack accepting the token", "ok", false],
    ["Slack answering invalid_auth", "invalid_auth", false],
    ["Slack failing with HTTP 500 and every AWS call but SSM failing", "http-500", true],
  ] as const)(
    "with %s, no function prints the token, cold start and error paths included",
    async (_name, mode, brokenAws) => {
      environment(brokenAws);
      slack.setMode(mode);
      const seenBefore = slack.seen.length;
      const output = captureOutput();
      const results: string[] = [];
      try {
        for (const fn of functions) {
          const handler = fn.build();
          for (const event of fn.events) {
            results.push(
              await handler(structuredClone(event), context).then(
                (value) => `${fn.name} returned ${JSON.stringify(value)}`,
                (error: Error) => `${fn.name} threw ${error.name}: ${error.message} ${String(error.cause)}`,
              ),
            );
          }
        }
      } finally {
        output.restore();
      }
      const printed = output.text();
      // The token was really read and used: every Slack call carried it.
      const calls = slack.seen.slice(seenBefore);
      expect(calls.length, results.join("\n").slice(0, 3000)).toBeGreaterThanOrEqual(3);
      expect(new Set(calls)).toEqual(new Set([`Bearer ${MARKER}`]));
      // And the output is the real thing: decisions and failures were logged.
      expect(printed).toContain('"message":"invocation failed"');
      for (const fn of functions) expect(printed).toContain(`"service":"${fn.name}"`);
      expect(printed).not.toContain(MARKER);
      expect(printed).not.toContain(MARKER.slice(5));
      expect(results.join("\n")).not.toContain(MARKER.slice(5));
      expect(printed).not.toContain(SIGNING_SECRET.slice(8));
      expect(results.join("\n")).not.toContain(SIGNING_SECRET.slice(8));
    },
  );

  it("would notice: the capture sees a token that the logger or console prints", () => {
    const output = captureOutput();
    try {
      createLogger({}).info("leak", { token: MARKER });
      console.error(`token=${MARKER}`);
      process.stderr.write(MARKER);
    } finally {
      output.restore();
    }
    expect(output.text().split(MARKER)).toHaveLength(4);
  });
});
