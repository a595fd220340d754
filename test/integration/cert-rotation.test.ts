import { readFileSync } from "node:fs";
import path from "node:path";
import type { ACMClient } from "@aws-sdk/client-acm";
import { EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeListenerCertificatesCommand,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListResourceRecordSetsCommand, type Route53Client } from "@aws-sdk/client-route-53";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CertRotationRuntime } from "../../functions/cert-rotation/deps";
import { createHandler } from "../../functions/cert-rotation/handler";
import { importCertificate, type SeededPair, seedCertPair } from "../../sandbox/seed/cert-world";
import { type MotoServer, startMoto } from "../../sandbox/servers/moto-server";
import { type SlackSink, startSlackSink } from "../../sandbox/servers/slack-sink";
import { createAcmCertificates } from "../../shared/adapters/aws/acm-certificates";
import { createAcmClient } from "../../shared/adapters/aws/clients/acm";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSsmClient } from "../../shared/adapters/aws/clients/ssm";
import { createElbv2LoadBalancers } from "../../shared/adapters/aws/elbv2-load-balancers";
import { createRoute53AliasPointer } from "../../shared/adapters/aws/route53-alias-pointer";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import { createSlackClient } from "../../shared/adapters/slack/slack-client";
import { createSlackNotifier } from "../../shared/adapters/slack/slack-notifier";
import {
  approvePlan,
  type PendingRotationPlan,
} from "../../shared/cert-rotation/domain/pending-rotation-plan";
import { parseStageConfig } from "../../shared/config/stage-config";
import { parameterKeys } from "../../shared/kernel/domain/parameter-layout";
import type { LoadBalancers } from "../../shared/ports/load-balancers";
import type { StateStore } from "../../shared/ports/state-store";
import { createLogger } from "../../shared/runtime/logger";
import { createTestCertificate } from "../support/certificates";
import { motoClientOptions, motoOrSkip } from "../support/moto";

const hasMoto = motoOrSkip();
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.resolve(__dirname, `../fixtures/events/eventbridge/${name}.json`), "utf8"));
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const DAY = 86_400_000;
const WRITES = new Set([
  "ModifyListenerCommand",
  "AddTagsCommand",
  "RemoveTagsCommand",
  "ChangeResourceRecordSetsCommand",
]);

describe.skipIf(!hasMoto)("certificate rotation against moto", () => {
  let moto: MotoServer;
  let slack: SlackSink;
  let acm: ACMClient;
  let elbv2: ElasticLoadBalancingV2Client;
  let route53: Route53Client;
  let state: StateStore;
  const calls: string[] = [];
  const logLines: string[] = [];
  const start = Date.now();

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMoto(), startSlackSink()]);
    const options = motoClientOptions(moto.url);
    acm = createAcmClient(options);
    elbv2 = createElbv2Client(options);
    route53 = createRoute53Client(options);
    for (const client of [acm, elbv2, route53] as {
      middlewareStack: ElasticLoadBalancingV2Client["middlewareStack"];
    }[]) {
      client.middlewareStack.add(
        (next, ctx) => async (args) => {
          calls.push(ctx.commandName ?? "?");
          return next(args);
        },
        { step: "initialize" },
      );
    }
    state = createSsmStateStore(createSsmClient(options), "/traffic-autopilot/test");
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), slack?.stop()]);
  });

  const certificate = (names: string[], fromDays: number, toDays: number, keyType?: "EC_prime256v1") =>
    createTestCertificate({
      commonName: names[0] ?? "example.com",
      subjectAlternativeNames: names,
      notBefore: new Date(start + fromDays * DAY),
      notAfter: new Date(start + toDays * DAY),
      ...(keyType ? { keyType } : {}),
    });

  /** One pair per test: its own tag value, zone and hostnames, so tests never see each other's world. */
  async function world(
    id: string,
    options: { colors?: [string, string]; dnsOn?: "a" | "b"; servingDays?: number } = {},
  ): Promise<SeededPair & { host: string; serving: string; idle: string }> {
    const host = `devices.${id}.example.com`;
    const serving = await importCertificate(
      acm,
      certificate([host, `*.${host}`], -30, options.servingDays ?? 20),
    );
    // The idle ALB holds an older certificate that expires before the serving one.
    const idle = await importCertificate(
      acm,
      certificate([host, `*.${host}`], -60, (options.servingDays ?? 20) / 2),
    );
    const [colorA, colorB] = options.colors ?? ["green", "blue"];
    const seeded = await seedCertPair(
      { ec2: new EC2Client(motoClientOptions(moto.url)), elbv2, route53 },
      {
        zoneName: `${id}.example.com`,
        recordName: host,
        pairTag: { key: "Pair", value: id },
        balancers: [
          { name: `${id}-a`, color: colorA, certificateArn: serving },
          { name: `${id}-b`, color: colorB, certificateArn: idle },
        ],
        dnsOn: `${id}-${options.dnsOn ?? "a"}`,
      },
    );
    return { ...seeded, host, serving, idle };
  }

  function stage(id: string, zone: string, host: string, extra = "") {
    return `
stage: test
region: eu-west-1
parameterPrefix: /traffic-autopilot/test
slack: { channel: "#certs", tokenParameter: /traffic-autopilot/test/slack-token }
certRotation:
  ${extra}
  pairs:
    - name: ${id}
      pairTag: { key: Pair, value: ${id} }
      record: { hostedZoneId: ${zone}, name: ${host}, types: [A] }
      certificates: { domains: [${host}, "*.${host}"] }
`;
  }

  function handlerFor(
    configText: string,
    options: { now?: Date; wrap?: (balancers: LoadBalancers) => LoadBalancers } = {},
  ) {
    const config = parseStageConfig(configText, "test.yml");
    const rotation = config.certRotation;
    if (rotation === undefined) throw new Error("test stage has no certRotation section");
    const logger = createLogger({ write: (line) => logLines.push(line) });
    const notifier = createSlackNotifier(
      createSlackClient("xoxb-test-token", 2_000, slack.apiUrl),
      "#certs",
      logger,
    );
    const deadline = () => new Date(Date.now() + 30_000);
    const balancers = createElbv2LoadBalancers(elbv2, { deadline });
    const runtime: CertRotationRuntime = {
      config: rotation,
      base: {
        env: { stage: "test", configFile: "test.yml", logLevel: "info" },
        config,
        logger,
        ssm: createSsmClient(motoClientOptions(moto.url)),
        notifier,
      },
      deps: () => ({
        balancers: options.wrap ? options.wrap(balancers) : balancers,
        certificates: createAcmCertificates(acm, { deadline }),
        dns: createRoute53AliasPointer(route53, { deadline, pollIntervalMs: 50 }),
        state,
        overrides: createSsmOverrideStore(
          createSsmClient(motoClientOptions(moto.url)),
          config.parameterPrefix,
          state,
        ),
        notifier,
        logger,
        now: () => options.now ?? new Date(),
        deadline,
      }),
    };
    return createHandler(async () => runtime);
  }

  const eventFor = (name: string, arn: string) => ({ ...fixture(name), resources: [arn] });
  const posts = () => slack.calls.filter((c) => c.method === "chat.postMessage");
  const writesSince = (mark: number) => calls.slice(mark).filter((c) => WRITES.has(c));

  async function observe(pair: SeededPair, id: string) {
    const view: Record<string, { color?: string; certificate?: string }> = {};
    for (const suffix of ["a", "b"]) {
      const b = pair.balancers[`${id}-${suffix}`];
      if (b === undefined) continue;
      const tags = await elbv2.send(new DescribeTagsCommand({ ResourceArns: [b.arn] }));
      const certs = await elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: b.listenerArn }));
      view[suffix] = {
        color: tags.TagDescriptions?.[0]?.Tags?.find((t) => t.Key === "DeploymentColor")?.Value,
        certificate: certs.Certificates?.find((c) => c.IsDefault)?.CertificateArn,
      };
    }
    const records = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: pair.hostedZoneId }),
    );
    const alias = records.ResourceRecordSets?.find((r) => r.Type === "A")?.AliasTarget;
    return { a: view.a, b: view.b, dns: alias?.DNSName, evaluateTargetHealth: alias?.EvaluateTargetHealth };
  }

  it("rotates the pair exactly once on a new certificate event, then the same event and the schedule do nothing", async () => {
    const pair = await world("p1");
    const next = await importCertificate(
      acm,
      certificate([pair.host, `*.${pair.host}`], -1, 90, "EC_prime256v1"),
    );
    const handler = handlerFor(stage("p1", pair.hostedZoneId, pair.host));
    const mark = calls.length;
    const postsBefore = posts().length;

    const [decision] = await handler(eventFor("acm-certificate-available", next), context);

    expect(decision?.outcome).toBe("applied");
    expect(decision?.rule).toBe("rotate");
    expect(decision?.change?.dnsStatus).toBe("INSYNC");
    expect(writesSince(mark)).toEqual([
      "ModifyListenerCommand",
      "AddTagsCommand",
      "AddTagsCommand",
      "ChangeResourceRecordSetsCommand",
    ]);
    const after = await observe(pair, "p1");
    expect(after.b).toEqual({ color: "green", certificate: next });
    expect(after.a).toEqual({ color: "blue", certificate: pair.serving });
    // The alias keeps its dualstack style and target-health setting.
    expect(after.dns).toBe(`dualstack.${pair.balancers["p1-b"]?.dnsName.toLowerCase()}`);
    expect(after.evaluateTargetHealth).toBe(true);
    // The rotation's thread: its root (already resolved) and the decision as the reply.
    const [root, post] = posts().slice(postsBefore);
    expect(posts().length).toBe(postsBefore + 2);
    expect(String(root?.body.text)).toMatch(/^Resolved — Certificate rotation .* rotated to certificate/);
    expect(post?.body.thread_ts).toBe(root?.ts);
    expect(String(post?.body.text)).toContain("rotated to certificate");
    expect(JSON.stringify(post?.body.attachments)).toContain(next);

    for (const event of [
      eventFor("acm-certificate-available", next),
      fixture("scheduled-event"),
      {
        ...fixture("cloudtrail-import-certificate"),
        detail: {
          ...fixture("cloudtrail-import-certificate").detail,
          responseElements: { certificateArn: next },
        },
      },
    ]) {
      const markAgain = calls.length;
      const [repeat] = await handler(event, context);
      expect(repeat?.outcome).toBe("unchanged");
      expect(repeat?.rule).toBe("in-sync");
      expect(writesSince(markAgain)).toEqual([]);
    }
    expect(posts().length).toBe(postsBefore + 2);
    expect(await observe(pair, "p1")).toEqual(after);
  });

  it("ignores a certificate for the wrong domain, an expired one and one expiring sooner, each with a reason", async () => {
    const pair = await world("p2", { servingDays: 60 });
    const handler = (now?: Date) => handlerFor(stage("p2", pair.hostedZoneId, pair.host), now ? { now } : {});
    const before = await observe(pair, "p2");
    const mark = calls.length;
    const postsBefore = posts().length;

    const wrong = await importCertificate(acm, certificate(["other.example.org"], -1, 300));
    const [wrongDecision] = await handler()(eventFor("acm-certificate-available", wrong), context);
    expect(wrongDecision?.outcome).toBe("ignored");
    expect(wrongDecision?.headline).toMatch(/covers other\.example\.org, none of devices\.p2\.example\.com/);

    const sooner = await importCertificate(acm, certificate([pair.host, `*.${pair.host}`], -1, 40));
    const [soonerDecision] = await handler()(eventFor("acm-certificate-available", sooner), context);
    expect(soonerDecision?.outcome).toBe("unchanged");
    expect(soonerDecision?.observed.candidates.find((c) => c.arn === sooner)?.reason).toMatch(
      /not later than the serving certificate/,
    );

    // ACM (and moto) refuse to import an expired certificate: this one expires in an hour, and the
    // function's clock is two hours ahead.
    const expiring = await importCertificate(acm, certificate([pair.host, `*.${pair.host}`], -1, 1 / 24));
    const [expiredDecision] = await handler(new Date(Date.now() + 2 * 3_600_000))(
      eventFor("acm-certificate-available", expiring),
      context,
    );
    expect(expiredDecision?.outcome).toBe("unchanged");
    expect(expiredDecision?.observed.candidates.find((c) => c.arn === expiring)?.reason).toMatch(
      /^expired on /,
    );

    expect(writesSince(mark)).toEqual([]);
    expect(posts().length).toBe(postsBefore);
    expect(await observe(pair, "p2")).toEqual(before);
  });

  it("converges on the next run after a crash right after the idle listener got the certificate", async () => {
    const pair = await world("p3");
    const next = await importCertificate(acm, certificate([pair.host, `*.${pair.host}`], -1, 90));
    const config = stage("p3", pair.hostedZoneId, pair.host);
    const crashAfterAttach = (real: LoadBalancers): LoadBalancers => ({
      ...real,
      async setDefaultCertificate(listenerArn, certificateArn) {
        await real.setDefaultCertificate(listenerArn, certificateArn);
        throw new Error("injected crash after step (a)");
      },
    });
    const [crashed] = await handlerFor(config, { wrap: crashAfterAttach })(
      eventFor("acm-certificate-available", next),
      context,
    );
    expect(crashed?.outcome).toBe("failed");
    const mid = await observe(pair, "p3");
    // Devices are still on the green ALB with its valid certificate; only the idle one changed.
    expect(mid.a).toEqual({ color: "green", certificate: pair.serving });
    expect(mid.b).toEqual({ color: "blue", certificate: next });
    expect(mid.dns).toContain(pair.balancers["p3-a"]?.dnsName.toLowerCase());

    const mark = calls.length;
    const [finished] = await handlerFor(config)(fixture("scheduled-event"), context);
    expect(finished?.rule).toBe("finish-rotation");
    expect(finished?.outcome).toBe("applied");
    expect(writesSince(mark)).toEqual([
      "AddTagsCommand",
      "AddTagsCommand",
      "ChangeResourceRecordSetsCommand",
    ]);
    const after = await observe(pair, "p3");
    expect(after.b).toEqual({ color: "green", certificate: next });
    expect(after.a?.color).toBe("blue");
    expect(after.dns).toContain(pair.balancers["p3-b"]?.dnsName.toLowerCase());

    const [settled] = await handlerFor(config)(fixture("scheduled-event"), context);
    expect(settled?.rule).toBe("in-sync");
  });

  it.each([
    {
      crashAfterTagWrites: 2,
      resumesWith: ["ChangeResourceRecordSetsCommand"],
      midColors: ["blue", "green"],
    },
    {
      crashAfterTagWrites: 1,
      resumesWith: ["AddTagsCommand", "ChangeResourceRecordSetsCommand"],
      midColors: ["green", "green"],
    },
  ])(
    "converges on the next run after a crash after $crashAfterTagWrites tag write(s) of step (b)",
    async ({ crashAfterTagWrites, resumesWith, midColors }) => {
      const id = `p4-${crashAfterTagWrites}`;
      const pair = await world(id);
      const next = await importCertificate(acm, certificate([pair.host, `*.${pair.host}`], -1, 90));
      const config = stage(id, pair.hostedZoneId, pair.host);
      let writes = 0;
      const crashInSwap = (real: LoadBalancers): LoadBalancers => ({
        ...real,
        async setTag(arn, key, value) {
          await real.setTag(arn, key, value);
          writes += 1;
          if (writes === crashAfterTagWrites) throw new Error("injected crash in step (b)");
        },
      });
      const [crashed] = await handlerFor(config, { wrap: crashInSwap })(
        eventFor("acm-certificate-available", next),
        context,
      );
      expect(crashed?.outcome).toBe("failed");
      const mid = await observe(pair, id);
      expect([mid.a?.color, mid.b?.color]).toEqual(midColors);
      expect(mid.dns).toContain(pair.balancers[`${id}-a`]?.dnsName.toLowerCase());

      const mark = calls.length;
      const [finished] = await handlerFor(config)(fixture("scheduled-event"), context);
      expect(finished?.rule).toBe("finish-rotation");
      expect(writesSince(mark)).toEqual(resumesWith);
      const after = await observe(pair, id);
      expect(after.b).toEqual({ color: "green", certificate: next });
      expect(after.a?.color).toBe("blue");
      expect(after.dns).toContain(pair.balancers[`${id}-b`]?.dnsName.toLowerCase());
    },
  );

  it.each([
    {
      name: "two green load balancers",
      id: "p5-greens",
      colors: ["green", "green"] as [string, string],
      dnsOn: "a" as const,
      problem: /both load balancers are tagged green/,
    },
    {
      name: "DNS on the blue load balancer",
      id: "p5-dns",
      colors: ["green", "blue"] as [string, string],
      dnsOn: "b" as const,
      problem: /DNS points at p5-dns-b, which is tagged blue/,
    },
  ])(
    "holds and alerts once on an inconsistent pair ($name), even with a valid candidate",
    async ({ id, colors, dnsOn, problem }) => {
      const pair = await world(id, { colors, dnsOn });
      const next = await importCertificate(acm, certificate([pair.host, `*.${pair.host}`], -1, 90));
      const config = stage(id, pair.hostedZoneId, pair.host);
      const before = await observe(pair, id);
      const mark = calls.length;
      const postsBefore = posts().length;

      const [first] = await handlerFor(config)(eventFor("acm-certificate-available", next), context);
      expect(first?.rule).toBe("inconsistent-pair");
      expect(first?.outcome).toBe("held");
      expect(first?.severity).toBe("warn");
      expect(first?.observed.problems.join(" ")).toMatch(problem);
      const [second] = await handlerFor(config)(fixture("scheduled-event"), context);
      expect(second?.rule).toBe("inconsistent-pair");

      expect(posts().length).toBe(postsBefore + 1);
      expect(writesSince(mark)).toEqual([]);
      expect(await observe(pair, id)).toEqual(before);
    },
  );

  it("alerts when the serving certificate approaches expiry and nothing can replace it", async () => {
    const pair = await world("p6", { servingDays: 5 });
    const postsBefore = posts().length;
    const [decision] = await handlerFor(stage("p6", pair.hostedZoneId, pair.host))(
      eventFor("acm-certificate-approaching-expiration", pair.serving),
      context,
    );
    expect(decision?.rule).toBe("expiring-no-candidate");
    expect(decision?.outcome).toBe("held");
    expect(decision?.severity).toBe("critical");
    expect(decision?.headline).toMatch(/expires in [45] days/);
    expect(posts().length).toBe(postsBefore + 1);
    expect(String(posts().at(-1)?.body.text)).toMatch(/no certificate can replace it/);
  });

  it("rejects malformed events before any AWS call, and changes nothing for unrelated certificates", async () => {
    const pair = await world("p7");
    const handler = handlerFor(stage("p7", pair.hostedZoneId, pair.host));
    const available = fixture("acm-certificate-available");
    const mark = calls.length;
    for (const bad of [
      { ...available, resources: [] },
      { ...available, source: "aws.s3" },
      { ...available, resources: ["arn:aws:s3:::bucket"] },
      { ...available, "detail-type": "ACM Certificate Teleported" },
      {
        ...fixture("cloudtrail-import-certificate"),
        detail: { eventSource: "acm.amazonaws.com", eventName: "DeleteCertificate" },
      },
      "ACM Certificate Available",
      null,
    ]) {
      // An EventBridge envelope is returned as rejected (Lambda must not retry it); anything else throws.
      const outcome = handler(bad, context);
      if (typeof bad === "object" && bad !== null) {
        await expect(outcome).resolves.toMatchObject({
          rejected: true,
          error: {
            name: "InvalidEventError",
            message: expect.stringMatching(/not a valid|not an EventBridge|names no/),
          },
        });
      } else {
        await expect(outcome).rejects.toThrow(/InvalidEventError|not a valid|not an EventBridge/);
      }
    }
    expect(calls.length).toBe(mark);

    const before = await observe(pair, "p7");
    const unrelated = await importCertificate(acm, certificate(["shop.example.net"], -1, 200));
    const [ignored] = await handler(eventFor("acm-certificate-available", unrelated), context);
    expect(ignored?.outcome).toBe("ignored");
    const [unknown] = await handler(
      eventFor(
        "acm-certificate-available",
        "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
      ),
      context,
    );
    expect(unknown?.outcome).toBe("ignored");
    expect(unknown?.headline).toMatch(/is not in ACM/);
    const failedImport = fixture("cloudtrail-import-certificate");
    const [failed] = await handler(
      {
        ...failedImport,
        detail: { ...failedImport.detail, errorCode: "ValidationException", responseElements: null },
      },
      context,
    );
    expect(failed?.outcome).toBe("ignored");
    expect(writesSince(mark)).toEqual([]);
    expect(await observe(pair, "p7")).toEqual(before);
  });

  it("in plan mode stores and posts the plan once, and applies it only after approval", async () => {
    const pair = await world("p8");
    const next = await importCertificate(acm, certificate([pair.host, `*.${pair.host}`], -1, 90));
    const config = stage("p8", pair.hostedZoneId, pair.host, "mode: plan");
    const before = await observe(pair, "p8");
    const mark = calls.length;
    const postsBefore = posts().length;

    const [planned] = await handlerFor(config)(eventFor("acm-certificate-available", next), context);
    expect(planned?.outcome).toBe("planned");
    const [repeated] = await handlerFor(config)(fixture("scheduled-event"), context);
    expect(repeated?.outcome).toBe("planned");
    expect(posts().length).toBe(postsBefore + 2); // the rotation's thread: root and the plan in it
    expect(writesSince(mark)).toEqual([]);
    expect(await observe(pair, "p8")).toEqual(before);

    const stored = await state.load<PendingRotationPlan>(parameterKeys.pairPendingPlan("p8"));
    expect(stored?.value.status).toBe("pending");
    expect(stored?.value.certificateArn).toBe(next);
    const approved = approvePlan(
      stored?.value as PendingRotationPlan,
      { author: "oncall@example.com", reason: "reviewed" },
      new Date(),
    );
    if (!approved.ok) throw new Error(approved.reason);
    await state.save(parameterKeys.pairPendingPlan("p8"), approved.plan, {
      expectedVersion: stored?.version,
    });

    const [applied] = await handlerFor(config)(fixture("scheduled-event"), context);
    expect(applied?.outcome).toBe("applied");
    const after = await observe(pair, "p8");
    expect(after.b).toEqual({ color: "green", certificate: next });
    expect((await state.load<PendingRotationPlan>(parameterKeys.pairPendingPlan("p8")))?.value.status).toBe(
      "applied",
    );
    expect(logLines.join("\n")).not.toContain("xoxb-test-token");
  });
});
