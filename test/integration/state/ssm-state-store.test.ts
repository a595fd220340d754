import { GetParameterCommand, PutParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, startMoto } from "../../../sandbox/servers/moto-server";
import { createSsmClient } from "../../../shared/adapters/aws/clients/ssm";
import {
  createSsmStateStore,
  STANDARD_PARAMETER_MAX_BYTES,
} from "../../../shared/adapters/aws/ssm-state-store";
import { ConflictError, ValueTooLargeError } from "../../../shared/errors";
import { motoClientOptions, motoOrSkip } from "../../support/moto";
import { stateStoreContract } from "../../support/state-store-contract";

const hasMoto = motoOrSkip();
const PREFIX = "/traffic-autopilot/test";

describe.skipIf(!hasMoto)("the SSM state store's optimistic concurrency on moto", () => {
  let moto: MotoServer;
  let ssm: SSMClient;

  beforeAll(async () => {
    moto = await startMoto();
    ssm = createSsmClient(motoClientOptions(moto.url));
  });
  afterAll(async () => {
    await moto?.stop();
  });

  const raw = async (key: string) =>
    (await ssm.send(new GetParameterCommand({ Name: `${PREFIX}/${key}` }))).Parameter;

  it("lets exactly one of two racing writers win, and keeps the winner's value", async () => {
    const store = createSsmStateStore(ssm, PREFIX);
    const first = await store.save("race/state", { writer: "seed" }, { expectedVersion: "absent" });
    for (let round = 0; round < 5; round++) {
      const read = await store.load<{ writer: string }>("race/state");
      const version = read?.version ?? first;
      const results = await Promise.allSettled(
        ["a", "b"].map((writer) => store.save("race/state", { writer }, { expectedVersion: version })),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
      const winner = results[0]?.status === "fulfilled" ? "a" : "b";
      const stored = await store.load<{ writer: string }>("race/state");
      expect(stored?.value.writer).toBe(winner);
      expect(stored?.version).toBe(version + 1);
    }
  });

  it("refuses a writer whose read is stale, naming the versions, and leaves the value alone", async () => {
    const store = createSsmStateStore(ssm, PREFIX);
    const v1 = await store.save("stale/state", { n: 1 }, { expectedVersion: "absent" });
    await store.save("stale/state", { n: 2 }, { expectedVersion: v1 });
    await expect(store.save("stale/state", { n: 3 }, { expectedVersion: v1 })).rejects.toThrow(
      /read version 1, now 2/,
    );
    expect(JSON.parse((await raw("stale/state"))?.Value ?? "")).toEqual({ n: 2 });
  });

  it("refuses a value over a standard parameter's 4 KB, which moto would store, and keeps the old one", async () => {
    const store = createSsmStateStore(ssm, PREFIX);
    // {"x":"..."} is 8 characters around the payload.
    const fits = { x: "a".repeat(STANDARD_PARAMETER_MAX_BYTES - 8) };
    const version = await store.save("big/state", fits, { expectedVersion: "absent" });
    const tooBig = { x: "é".repeat((STANDARD_PARAMETER_MAX_BYTES - 8) / 2 + 1) };
    const refused = store.save("big/state", tooBig, { expectedVersion: version });
    await expect(refused).rejects.toBeInstanceOf(ValueTooLargeError);
    await expect(store.save("big/state", tooBig)).rejects.toThrow(
      /big\/state: 4098 bytes do not fit a standard SSM parameter \(4096 bytes at most\); nothing was written/,
    );
    expect(JSON.parse((await raw("big/state"))?.Value ?? "")).toEqual(fits);
  });

  it("refuses to create a key someone else created first", async () => {
    const store = createSsmStateStore(ssm, PREFIX);
    await store.save("created/state", { n: 1 }, { expectedVersion: "absent" });
    await expect(store.save("created/state", { n: 2 }, { expectedVersion: "absent" })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("holds a writer off while another holds a live lease, and breaks a lease whose holder died", async () => {
    let now = Date.parse("2026-12-02T10:00:00Z");
    const store = createSsmStateStore(ssm, PREFIX, () => now);
    const v1 = await store.save("lease/state", { n: 1 }, { expectedVersion: "absent" });
    const lease = (until: string) =>
      ssm.send(
        new PutParameterCommand({
          Name: `${PREFIX}/lease/state.lock`,
          Value: JSON.stringify({ expiresAt: until }),
          Type: "String",
          Overwrite: true,
        }),
      );
    await lease("2026-12-02T10:00:20Z");
    await expect(store.save("lease/state", { n: 2 }, { expectedVersion: v1 })).rejects.toThrow(
      /being written by another invocation/,
    );
    now = Date.parse("2026-12-02T10:01:00Z");
    expect(await store.save("lease/state", { n: 2 }, { expectedVersion: v1 })).toBe(v1 + 1);
    await expect(raw("lease/state.lock")).rejects.toThrow();
  });

  it("runs a run's work under one lease: a second taker is refused while it is held, and it is gone after", async () => {
    let now = Date.parse("2026-12-02T11:00:00Z");
    const store = createSsmStateStore(ssm, PREFIX, () => now);
    const until = new Date("2026-12-02T11:00:50Z");
    const inside = await store.withLease(
      "run/lease",
      async () => {
        // The lease holds until the holder's deadline (plus a little), not the short write lock's 30 s.
        expect(JSON.parse((await raw("run/lease"))?.Value ?? "")).toEqual({
          expiresAt: "2026-12-02T11:00:55.000Z",
          holder: expect.any(String),
        });
        await expect(store.withLease("run/lease", async () => "second")).rejects.toThrow(
          /run\/lease is being written by another invocation \(lease until 2026-12-02T11:00:55.000Z\)/,
        );
        return "first";
      },
      { until },
    );
    expect(inside).toBe("first");
    await expect(raw("run/lease")).rejects.toThrow();
    // Released when the work fails too.
    await expect(store.withLease("run/lease", async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    await expect(raw("run/lease")).rejects.toThrow();
    // A lease whose holder died (never released, expired) is broken by the next taker.
    await ssm.send(
      new PutParameterCommand({
        Name: `${PREFIX}/run/lease`,
        Value: JSON.stringify({ expiresAt: "2026-12-02T11:00:30Z" }),
        Type: "String",
      }),
    );
    now = Date.parse("2026-12-02T11:01:00Z");
    expect(await store.withLease("run/lease", async () => "after a dead holder")).toBe("after a dead holder");
  });

  it("lists the wanted keys under a path through every page of 10", async () => {
    const store = createSsmStateStore(ssm, PREFIX);
    for (let i = 0; i < 23; i++) await store.save(`listed/p${String(i).padStart(2, "0")}/state`, { i });
    await store.save("listed/p00/plan", { plan: true });
    const found = await store.loadUnder?.<{ i: number }>("listed", (key) => key.endsWith("/state"));
    expect([...(found?.keys() ?? [])].sort()).toEqual(
      Array.from({ length: 23 }, (_, i) => `listed/p${String(i).padStart(2, "0")}/state`),
    );
    expect(found?.get("listed/p22/state")).toEqual({ value: { i: 22 }, version: 1 });
  });

  it("hands over the lock's release after the write when asked, and still releases before a refusal", async () => {
    // Every call this store makes, as "<Command> <name> sent|done", in the order they happen.
    const calls: string[] = [];
    const recording = {
      send: async (command: { constructor: { name: string }; input: { Name?: string } }) => {
        const call = `${command.constructor.name.replace(/Command$/, "")} ${command.input.Name?.slice(PREFIX.length + 1)}`;
        calls.push(`${call} sent`);
        try {
          return await ssm.send(command as never);
        } finally {
          calls.push(`${call} done`);
        }
      },
    } as unknown as SSMClient;
    const store = createSsmStateStore(recording, PREFIX);
    const v1 = await store.save("handover/state", { n: 1 }, { expectedVersion: "absent" });
    calls.length = 0;
    let released: Promise<void> | undefined;
    const v2 = await store.save(
      "handover/state",
      { n: 2 },
      {
        expectedVersion: v1,
        releaseLater: (release) => {
          released = release;
        },
      },
    );
    const whenSaved = [...calls];
    expect(v2).toBe(v1 + 1);
    expect(whenSaved).toEqual([
      "PutParameter handover/state.lock sent",
      "PutParameter handover/state.lock done",
      "GetParameter handover/state sent",
      "GetParameter handover/state done",
      "PutParameter handover/state sent",
      "PutParameter handover/state done",
      "DeleteParameter handover/state.lock sent",
    ]);
    await released;
    expect(calls.at(-1)).toBe("DeleteParameter handover/state.lock done");
    await expect(raw("handover/state.lock")).rejects.toThrow();
    // A refused update hands nothing over: the lock is gone when the refusal arrives.
    let handedOver = false;
    await expect(
      store.save(
        "handover/state",
        { n: 3 },
        {
          expectedVersion: v1,
          releaseLater: () => {
            handedOver = true;
          },
        },
      ),
    ).rejects.toThrow(/read version 1, now 2/);
    expect(handedOver).toBe(false);
    await expect(raw("handover/state.lock")).rejects.toThrow();
    expect(JSON.parse((await raw("handover/state"))?.Value ?? "")).toEqual({ n: 2 });
  });
});

describe.skipIf(!hasMoto)("the SSM state store keeps the StateStore contract on moto", () => {
  let moto: MotoServer;
  let ssm: SSMClient;
  let namespaces = 0;

  beforeAll(async () => {
    moto = await startMoto();
    ssm = createSsmClient(motoClientOptions(moto.url));
  });
  afterAll(async () => {
    await moto?.stop();
  });

  stateStoreContract(() => createSsmStateStore(ssm, `${PREFIX}/contract-${++namespaces}`));
});
