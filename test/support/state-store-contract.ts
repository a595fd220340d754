import { expect, it } from "vitest";
import { ConflictError, ValueTooLargeError } from "../../shared/errors";
import type { StateStore } from "../../shared/ports/state-store";

/**
 * What every StateStore promises the workflows, as tests: run against the SSM adapter on moto and against
 * the in-memory store the unit tests use, so the fake cannot drift from the real thing.
 * `fresh` returns a store over an empty namespace (each call a new one).
 */
export function stateStoreContract(fresh: () => StateStore): void {
  it("reads nothing for a key never written", async () => {
    expect(await fresh().load("never/written")).toBeUndefined();
  });

  it("numbers versions from 1, one more per write, and returns the version written", async () => {
    const store = fresh();
    expect(await store.save("c/versions", { n: 1 })).toBe(1);
    expect(await store.save("c/versions", { n: 2 })).toBe(2);
    expect(await store.load("c/versions")).toEqual({ value: { n: 2 }, version: 2 });
  });

  it("creates with expectedVersion 'absent' once; a second create is a ConflictError and changes nothing", async () => {
    const store = fresh();
    await store.save("c/create", { by: "first" }, { expectedVersion: "absent" });
    await expect(store.save("c/create", { by: "second" }, { expectedVersion: "absent" })).rejects.toThrow(
      ConflictError,
    );
    expect((await store.load("c/create"))?.value).toEqual({ by: "first" });
  });

  it("refuses a stale expectedVersion with a ConflictError that names the versions, and changes nothing", async () => {
    const store = fresh();
    const v1 = await store.save("c/stale", { n: 1 });
    await store.save("c/stale", { n: 2 }, { expectedVersion: v1 });
    await expect(store.save("c/stale", { n: 3 }, { expectedVersion: v1 })).rejects.toThrow(
      /read version 1, now 2/,
    );
    expect(await store.load("c/stale")).toEqual({ value: { n: 2 }, version: 2 });
  });

  it("never lets a caller change what is stored through an object it read or wrote", async () => {
    const store = fresh();
    const written = { nested: { n: 1 }, list: [1] };
    await store.save("c/copies", written);
    written.nested.n = 99;
    written.list.push(99);
    const read = await store.load<typeof written>("c/copies");
    if (read === undefined) throw new Error("nothing read");
    read.value.nested.n = 42;
    expect((await store.load("c/copies"))?.value).toEqual({ nested: { n: 1 }, list: [1] });
  });

  it("reads several keys at once, leaving out the absent ones", async () => {
    const store = fresh();
    if (store.loadMany === undefined) return;
    const keys = Array.from({ length: 12 }, (_, i) => `c/many/${i}`);
    for (const key of keys.slice(0, 11)) await store.save(key, { key });
    const found = await store.loadMany<{ key: string }>(keys);
    expect([...found.keys()].sort()).toEqual(keys.slice(0, 11).sort());
    expect(found.get("c/many/3")).toEqual({ value: { key: "c/many/3" }, version: 1 });
  });

  it("lists the keys under a path that the caller wants, and nothing outside it", async () => {
    const store = fresh();
    if (store.loadUnder === undefined) return;
    for (const key of ["c/under/a/state", "c/under/b/state", "c/under/b/plan", "c/beside/state"])
      await store.save(key, { key });
    const found = await store.loadUnder<{ key: string }>("c/under", (key) => key.endsWith("/state"));
    expect([...found.keys()].sort()).toEqual(["c/under/a/state", "c/under/b/state"]);
  });

  it("refuses a value over a standard parameter's 4 KB and keeps the old one", async () => {
    const store = fresh();
    await store.save("c/large", { n: 1 });
    await expect(store.save("c/large", { text: "x".repeat(4_100) })).rejects.toThrow(ValueTooLargeError);
    expect(await store.load("c/large")).toEqual({ value: { n: 1 }, version: 1 });
  });

  it("gives a lease to one holder at a time, and again once it is released", async () => {
    const store = fresh();
    const order: string[] = [];
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const held = store.withLease("c/lease", () => {
      order.push("first in");
      entered();
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    // The second taker comes while the first holds the lease (after its create was answered).
    await inside;
    await expect(store.withLease("c/lease", async () => order.push("second in"))).rejects.toThrow(
      ConflictError,
    );
    release();
    await held;
    await store.withLease("c/lease", async () => order.push("third in"));
    expect(order).toEqual(["first in", "third in"]);
  });
}
