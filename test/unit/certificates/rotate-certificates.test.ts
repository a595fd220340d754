import { describe, expect, it } from "vitest";
import { certRotationSchema } from "../../../shared/config/cert-rotation-config";
import type {
  BalancerFacts,
  CertificateFacts,
  DnsRecordFacts,
} from "../../../shared/domain/certificates/types";
import { ConflictError } from "../../../shared/errors";
import type { Certificates } from "../../../shared/ports/certificates";
import type { DnsPointer } from "../../../shared/ports/dns-pointer";
import type { LoadBalancers } from "../../../shared/ports/load-balancers";
import type { Notifier } from "../../../shared/ports/notifier";
import type { StateStore } from "../../../shared/ports/state-store";
import { createLogger } from "../../../shared/runtime/logger";
import {
  type CertRotationDeps,
  rotateCertificates,
  stateKey,
} from "../../../shared/workflows/rotate-certificates";
import { memoryLeases } from "../../support/memory-lease";
import { recordingNotifier } from "../incidents/fakes";
import { aliasTo, balancer, cert, days, NOW } from "./builders";

/**
 * The workflow against stateful in-memory fakes: they keep what was written and reject what AWS would,
 * so concurrency, read-back failures and a slow Route 53 can be played exactly.
 */
function world(options: { dnsStatus?: "PENDING" | "INSYNC"; dropTagWrites?: boolean } = {}) {
  const serving = cert("serving");
  const next = cert("next", { notAfter: days(90) });
  const certs = new Map<string, CertificateFacts>(
    [serving, cert("idle", { notAfter: days(20) }), next].map((c) => [c.arn, c]),
  );
  const lbs = new Map<string, BalancerFacts>(
    [balancer("iot-a", "green", serving.arn), balancer("iot-b", "blue", cert("idle").arn)].map((b) => [
      b.arn,
      b,
    ]),
  );
  let records: DnsRecordFacts[] = [aliasTo([...lbs.values()][0] as BalancerFacts)];
  const writes: string[] = [];
  const balancers: LoadBalancers = {
    async findByTag(tag) {
      return [...lbs.values()].filter((b) => b.tags[tag.key] === tag.value).map(({ listener: _, ...b }) => b);
    },
    async listener(arn, port) {
      const l = lbs.get(arn)?.listener;
      return l?.port === port ? structuredClone(l) : undefined;
    },
    async setDefaultCertificate(listenerArn, certificateArn) {
      writes.push(`listener ${certificateArn}`);
      for (const b of lbs.values())
        if (b.listener?.arn === listenerArn) b.listener.defaultCertificateArn = certificateArn;
    },
    async setTag(arn, key, value) {
      writes.push(`tag ${lbs.get(arn)?.name}=${value}`);
      const b = lbs.get(arn);
      if (b && !options.dropTagWrites) b.tags = { ...b.tags, [key]: value };
    },
    async tags(arn) {
      return { ...lbs.get(arn)?.tags };
    },
  };
  const certificates: Certificates = {
    async list() {
      return [...certs.values()].map((c) => ({ arn: c.arn, status: c.status }));
    },
    async describe(arn) {
      return certs.get(arn);
    },
  };
  const dns: DnsPointer = {
    async read() {
      return structuredClone(records);
    },
    async upsert(_ref, next) {
      writes.push("dns");
      records = structuredClone([...next]);
      return { changeId: "/change/C1", status: options.dnsStatus ?? "INSYNC" };
    },
    async waitInSync() {
      return options.dnsStatus ?? "INSYNC";
    },
  };
  const stored = new Map<string, { value: unknown; version: number }>();
  const state: StateStore = {
    withLease: memoryLeases(),
    async load<T>(key: string) {
      const item = stored.get(key);
      return item ? { value: structuredClone(item.value) as T, version: item.version } : undefined;
    },
    async save(key, value, opts = {}) {
      const current = stored.get(key);
      const expected = opts.expectedVersion;
      if (
        (expected === "absent" && current) ||
        (typeof expected === "number" && current?.version !== expected)
      ) {
        throw new ConflictError(`${key} changed while we worked`);
      }
      const version = (current?.version ?? 0) + 1;
      stored.set(key, { value: structuredClone(value), version });
      return version;
    },
  };
  const posts: string[] = [];
  const notifier: Notifier = {
    async post(message) {
      posts.push(message.text);
      return { ok: true, ts: String(posts.length) };
    },
    async update(ts) {
      return { ok: true, ts };
    },
  };
  const deps: CertRotationDeps = {
    balancers,
    certificates,
    dns,
    state,
    overrides: { list: async () => [] },
    notifier,
    logger: createLogger({ write: () => undefined }),
    now: () => NOW,
    deadline: () => new Date(Date.now() + 10_000),
  };
  return { deps, writes, posts, stored, next, lbs };
}

const config = (mode = "auto") =>
  certRotationSchema.parse({
    mode,
    pairs: [
      {
        name: "iot",
        pairTag: { key: "Pair", value: "iot" },
        record: { hostedZoneId: "Z1", name: "devices.example.com", types: ["A"] },
        certificates: { domains: ["devices.example.com", "*.devices.example.com"] },
      },
    ],
  });
const schedule = { trigger: { kind: "schedule" as const, source: "rule/daily", at: NOW.toISOString() } };

describe("the rotation workflow", () => {
  it("lets only one of two concurrent runs act on the pair", async () => {
    const { deps, writes } = world();
    const [first, second] = await Promise.all([
      rotateCertificates(deps, config(), schedule),
      rotateCertificates(deps, config(), schedule),
    ]);
    const outcomes = [first?.[0]?.outcome, second?.[0]?.outcome].sort();
    expect(outcomes).toEqual(["applied", "held"]);
    expect(writes.filter((w) => w.startsWith("listener"))).toHaveLength(1);
    expect(writes.filter((w) => w === "dns")).toHaveLength(1);
  });

  it("reports a DNS change Route 53 has not yet synced, once the records read back right", async () => {
    const { deps, stored } = world({ dnsStatus: "PENDING" });
    const [decision] = await rotateCertificates(deps, config(), schedule);
    expect(decision?.outcome).toBe("applied");
    expect(decision?.change).toMatchObject({ dnsStatus: "PENDING" });
    const saved = stored.get(stateKey("iot"))?.value as
      | { inFlight?: unknown; lastRotation?: unknown }
      | undefined;
    expect(saved?.inFlight).toBeUndefined();
    expect(saved?.lastRotation).toBeDefined();
  });

  it("stops before DNS when a tag does not read back, and keeps the rotation for the next run", async () => {
    const { deps, writes, stored } = world({ dropTagWrites: true });
    const [decision] = await rotateCertificates(deps, config(), schedule);
    expect(decision?.outcome).toBe("failed");
    expect(decision?.error?.name).toBe("VerificationError");
    expect(writes).not.toContain("dns");
    const saved = stored.get(stateKey("iot"))?.value as { inFlight?: { leaseUntil?: string } } | undefined;
    expect(saved?.inFlight).toBeDefined();
    expect(saved?.inFlight?.leaseUntil).toBeUndefined();
  });

  it("keeps a failed rotation and the run that finishes it in one Slack thread, closed at the end", async () => {
    const options = { dropTagWrites: true };
    const { deps, stored } = world(options);
    const slack = recordingNotifier();
    const withSlack = { ...deps, notifier: slack.port };
    const [failed] = await rotateCertificates(withSlack, config(), schedule);
    options.dropTagWrites = false;
    const [finished] = await rotateCertificates(withSlack, config(), schedule);
    expect([failed?.outcome, finished?.rule, finished?.outcome]).toEqual([
      "failed",
      "finish-rotation",
      "applied",
    ]);

    const [root, ...others] = slack.roots();
    expect(others).toEqual([]);
    expect(slack.replies().map((r) => [r.threadTs, r.message.text])).toEqual([
      [root?.ts, expect.stringMatching(/rotation FAILED at set-color/)],
      [root?.ts, expect.stringMatching(/finished interrupted rotation/)],
    ]);
    const rotationId = String(finished?.change?.rotationId);
    expect(root?.message.text).toBe(
      `Certificate rotation ${rotationId} · pair iot: ${failed?.headline.replace("iot: ", "")}`,
    );
    expect(slack.updates().map((u) => [u.ts, u.message.text])).toEqual([
      [root?.ts, expect.stringMatching(/^Resolved — Certificate rotation .*: finished interrupted rotation/)],
    ]);
    expect(stored.get(`cert-rotation/threads/iot/${rotationId}`)?.value).toMatchObject({
      ts: root?.ts,
      closedAt: NOW.toISOString(),
    });
  });

  it("records what it would do in dry-run mode, posts it once and changes nothing", async () => {
    const { deps, writes, posts } = world();
    const [first] = await rotateCertificates(deps, config("dry-run"), schedule);
    const [second] = await rotateCertificates(deps, config("dry-run"), schedule);
    expect([first?.outcome, second?.outcome]).toEqual(["dry-run", "dry-run"]);
    expect(writes).toEqual([]);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatch(/dry run — would rotate/);
  });

  it("still applies and records the rotation when Slack is down", async () => {
    const { deps, writes } = world();
    const down: Notifier = {
      post: async () => ({ ok: false, error: "slack is down" }),
      update: async () => ({ ok: false, error: "down" }),
    };
    const [decision] = await rotateCertificates({ ...deps, notifier: down }, config(), schedule);
    expect(decision?.outcome).toBe("applied");
    expect(writes).toContain("dns");
  });

  it("answers every pair with an evaluation failure when a read fails, without acting", async () => {
    const { deps, writes, posts } = world();
    const broken = {
      ...deps,
      dns: { ...deps.dns, read: async () => Promise.reject(new Error("Route 53 unreachable")) },
    };
    const [decision] = await rotateCertificates(broken, config(), schedule);
    expect(decision?.rule).toBe("evaluation-failed");
    expect(decision?.severity).toBe("critical");
    expect(writes).toEqual([]);
    expect(posts[0]).toMatch(/could not evaluate — Route 53 unreachable/);
  });
});
