import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { ModifyRuleCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ChangeResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCloudWatchClient } from "../../shared/adapters/aws/clients/cloudwatch";
import { createEc2Client } from "../../shared/adapters/aws/clients/ec2";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { isTransient, retryTransient } from "../../shared/adapters/aws/retry";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import {
  delay,
  type FaultProxy,
  mulberry32,
  reset,
  startFaultProxy,
  status,
  throttle,
} from "../support/fault-proxy";
import { motoClientOptions } from "../support/moto";

/** A stand-in upstream that records what reached it and answers each protocol with a minimal success. */
async function startUpstream(): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push(`${req.method} ${req.url} ${req.headers["x-amz-target"] ?? body.slice(0, 40)}`);
      if (req.headers["x-amz-target"]) {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(req.headers["x-amz-target"] === "AmazonSSM.PutParameter" ? '{"Version":2}' : "{}");
      } else if (req.url?.startsWith("/api/")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"ok":true,"ts":"1.000001","channel":"C1"}');
      } else if (req.url?.startsWith("/2013-04-01/")) {
        res.writeHead(200, { "content-type": "text/xml" });
        res.end(
          "<ChangeResourceRecordSetsResponse><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-11-02T00:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>",
        );
      } else {
        const action = new URLSearchParams(body).get("Action");
        res.writeHead(200, { "content-type": "text/xml" });
        res.end(`<${action}Response><${action}Result></${action}Result></${action}Response>`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe("fault proxy", () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: FaultProxy;
  const options = () => motoClientOptions(proxy.url);
  const putParameter = () =>
    createSsmClient(options()).send(new PutParameterCommand({ Name: "/x", Value: "1", Overwrite: true }));
  const modifyRule = () =>
    createElbv2Client(options()).send(new ModifyRuleCommand({ RuleArn: "arn:aws:rule/1", Actions: [] }));
  const changeRecords = () =>
    createRoute53Client(options()).send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: "Z1",
        ChangeBatch: {
          Changes: [
            {
              Action: "UPSERT",
              ResourceRecordSet: {
                Name: "a.example.com",
                Type: "A",
                TTL: 60,
                ResourceRecords: [{ Value: "192.0.2.1" }],
              },
            },
          ],
        },
      }),
    );

  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterEach(async () => {
    await proxy?.stop();
  });
  afterAll(async () => {
    upstream.server.closeAllConnections();
    await new Promise<void>((resolve) => upstream.server.close(() => resolve()));
  });

  it("names each request's operation the way its protocol carries it, and forwards it untouched", async () => {
    proxy = await startFaultProxy({ upstream: upstream.url });
    const before = upstream.seen.length;
    await putParameter();
    await createCloudWatchClient(options())
      .send(
        new GetMetricDataCommand({
          MetricDataQueries: [],
          StartTime: new Date(0),
          EndTime: new Date(60_000),
        }),
      )
      .catch(() => undefined);
    await modifyRule();
    await createEc2Client(options())
      .send(new DescribeInstancesCommand({}))
      .catch(() => undefined);
    await changeRecords();
    await createSlackClient("xoxb-t", 1_000, `${proxy.url}/api/`).chat.postMessage({
      channel: "C1",
      text: "hi",
    });

    expect(proxy.log.map((r) => r.operation)).toEqual([
      "PutParameter",
      "GetMetricData",
      "ModifyRule",
      "DescribeInstances",
      "ChangeResourceRecordSets",
      "chat.postMessage",
    ]);
    expect(proxy.faults()).toBe(0);
    const reached = upstream.seen.slice(before);
    expect(reached[0]).toContain("AmazonSSM.PutParameter");
    expect(reached[1]).toContain("GraniteServiceVersion20100801.GetMetricData");
    expect(reached[2]).toContain("Action=ModifyRule");
    expect(reached[4]).toMatch(/^POST \/2013-04-01\/hostedzone\/Z1\/rrset/);
    expect(reached[5]).toMatch(/^POST \/api\/chat\.postMessage/);
  });

  it.each([
    ["SSM (JSON)", "PutParameter", "ThrottlingException", () => putParameter()],
    ["ELBv2 (query)", "ModifyRule", "Throttling", () => modifyRule()],
    ["Route 53 (REST XML)", "ChangeResourceRecordSets", "PriorRequestNotComplete", () => changeRecords()],
    [
      "EC2 (EC2 query)",
      "DescribeInstances",
      "RequestLimitExceeded",
      () => createEc2Client(options()).send(new DescribeInstancesCommand({})),
    ],
    [
      "CloudWatch (JSON 1.0, query-compatible)",
      "GetMetricData",
      "Throttling",
      () =>
        createCloudWatchClient(options()).send(
          new GetMetricDataCommand({
            MetricDataQueries: [],
            StartTime: new Date(0),
            EndTime: new Date(60_000),
          }),
        ),
    ],
  ])("shapes %s throttling so the SDK retries it and names the code", async (_, operation, code, call) => {
    proxy = await startFaultProxy({ upstream: upstream.url });
    proxy.inject({ operation, fault: throttle(code) });
    const error = await (call as () => Promise<unknown>)().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe(code);
    expect(isTransient(error)).toBe(true);
    // The SDK's own strategy saw a retryable error: all three attempts were made.
    expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(3);
    expect(proxy.requests(operation)).toBe(3);
    expect(proxy.faults(operation)).toBe(3);
  });

  it("injects a fault only N times, then lets the request through to upstream", async () => {
    proxy = await startFaultProxy({ upstream: upstream.url });
    proxy.inject({ operation: "AmazonSSM.PutParameter", fault: status(503), times: 2 });
    const before = upstream.seen.length;
    const out = await putParameter();
    expect(out.Version).toBe(2);
    expect(out.$metadata.attempts).toBe(3);
    expect([proxy.requests("PutParameter"), proxy.faults("PutParameter")]).toEqual([3, 2]);
    expect(upstream.seen.length).toBe(before + 1);
  });

  it("draws probabilistic faults from a seeded PRNG: the same seed gives the same sequence", async () => {
    const sequence = async (seed: number) => {
      proxy = await startFaultProxy({ upstream: upstream.url, seed });
      proxy.inject({ operation: (i) => i.protocol === "json", fault: status(500), probability: 0.3 });
      const client = createSsmClient({ ...options(), region: "eu-west-1" });
      client.config.maxAttempts = async () => 1;
      for (let i = 0; i < 40; i++)
        await client.send(new PutParameterCommand({ Name: "/x", Value: "1" })).catch(() => 0);
      const faults = proxy.log.map((r) => (r.fault ? 1 : 0)).join("");
      await proxy.stop();
      return faults;
    };
    const first = await sequence(42);
    expect(await sequence(42)).toBe(first);
    expect(await sequence(7)).not.toBe(first);
    const share = [...first].filter((c) => c === "1").length / first.length;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.5);
    expect(mulberry32(1)()).toBe(mulberry32(1)());
  });

  it("resets the connection: the SDK sees a transient network error and retries", async () => {
    proxy = await startFaultProxy({ upstream: upstream.url });
    proxy.inject({ operation: "ModifyRule", fault: reset(), times: 1 });
    const out = await modifyRule();
    expect(out.$metadata.attempts).toBe(2);
    expect(proxy.faults("ModifyRule")).toBe(1);
  });

  it("delays past the client's request timeout: the SDK gives up on that attempt and retries", async () => {
    proxy = await startFaultProxy({ upstream: upstream.url });
    proxy.inject({ operation: "PutParameter", fault: delay(30_000), times: 1 });
    const started = Date.now();
    const out = await putParameter();
    const took = Date.now() - started;
    expect(out.$metadata.attempts).toBe(2);
    // clients/options.ts sets a 5 s request timeout; without throwOnRequestTimeout it would wait 30 s.
    expect(took).toBeGreaterThanOrEqual(4_500);
    expect(took).toBeLessThan(9_000);
  }, 20_000);

  it("never awaits a hung call past the invocation deadline", async () => {
    proxy = await startFaultProxy({ upstream: upstream.url });
    proxy.inject({ operation: "ChangeResourceRecordSets", fault: delay(30_000) });
    const started = Date.now();
    const error = await retryTransient(() => changeRecords(), {
      attempts: 5,
      baseDelayMs: 10,
      deadline: new Date(Date.now() + 1_000),
      what: "Route 53 change in Z1",
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error?.name).toBe("TransientAwsError");
    expect(error?.message).toMatch(/Route 53 change in Z1: no answer before the invocation deadline/);
  });

  it("answers Slack with 429 and Retry-After; the Slack client gives up at once instead of waiting it out", async () => {
    proxy = await startFaultProxy({ upstream: upstream.url });
    proxy.inject({ operation: "chat.postMessage", fault: status(429) });
    const started = Date.now();
    const error = await createSlackClient("xoxb-t", 1_000, `${proxy.url}/api/`)
      .chat.postMessage({ channel: "C1", text: "hi" })
      .then(
        () => undefined,
        (e: Error & { code?: string; retryAfter?: number }) => e,
      );
    expect(error?.code).toBe("slack_webapi_rate_limited_error");
    expect(error?.retryAfter).toBe(30);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("stops listening when stopped", async () => {
    proxy = await startFaultProxy({ upstream: upstream.url });
    const url = proxy.url;
    await proxy.stop();
    await expect(fetch(`${url}/api/chat.postMessage`)).rejects.toThrow();
  });
});
