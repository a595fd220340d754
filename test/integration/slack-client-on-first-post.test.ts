import { PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { slackNotifierFromParameter } from "../../shared/runtime/bootstrap";
import { createLogger } from "../../shared/runtime/logger";
import { motoClientOptions, motoOrSkip } from "../support/moto";

// The real client, counted: how many the functions' notifier builds, and when.
const built = vi.hoisted(() => ({ clients: 0 }));
vi.mock("../../shared/adapters/slack/slack-client-options", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../shared/adapters/slack/slack-client-options")>();
  return {
    ...real,
    loadSlackClient: (...args: Parameters<typeof real.loadSlackClient>) => {
      built.clients++;
      return real.loadSlackClient(...args);
    },
  };
});

const hasMoto = motoOrSkip();
const TOKEN = "/traffic-autopilot/test/slack-token";
const message = { text: "fleet web closed", severity: "info" as const, blocks: [] };

describe.skipIf(!hasMoto)("the functions' Slack client (real client, moto token, local sink)", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let ssm: SSMClient;
  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    ssm = createSsmClient(motoClientOptions(moto.url));
    await ssm.send(new PutParameterCommand({ Name: TOKEN, Type: "SecureString", Value: "xoxb-test" }));
  });
  afterAll(async () => {
    ssm?.destroy();
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  it("is built when the first message is posted, not when the token is read, and only once", async () => {
    const notifier = slackNotifierFromParameter(
      ssm,
      { slack: { channel: "#traffic", tokenParameter: TOKEN, timeoutMs: 1_000 } },
      createLogger({ write: () => undefined }),
      slack.apiUrl,
    );
    // The handler reads the token at the start of every invocation: a run that posts nothing stops here.
    expect(await notifier.refresh?.()).toBeUndefined();
    expect(built.clients).toBe(0);
    expect(slack.calls).toHaveLength(0);

    const posted = await notifier.post(message);
    expect(posted.ok).toBe(true);
    expect(built.clients).toBe(1);
    if (!posted.ok) return;
    expect((await notifier.update(posted.ts, message)).ok).toBe(true);
    expect((await notifier.post(message, { threadTs: posted.ts })).ok).toBe(true);
    expect(built.clients).toBe(1);
    expect(slack.calls.map((c) => c.method)).toEqual(["chat.postMessage", "chat.update", "chat.postMessage"]);
  });
});
