import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallCounter, startCallCounter, tally } from "../../../bench/call-counter";
import { type MotoServer, startMoto } from "../../../sandbox/servers/moto-server";
import { createSsmClient } from "../../../shared/adapters/aws/clients/ssm";
import { createSsmStateStore } from "../../../shared/adapters/aws/ssm-state-store";
import { motoClientOptions, motoOrSkip } from "../../support/moto";

const hasMoto = motoOrSkip();

describe.skipIf(!hasMoto)("the bench's call counter in front of moto", () => {
  let moto: MotoServer;
  let counter: CallCounter;

  beforeAll(async () => {
    moto = await startMoto();
    counter = await startCallCounter(() => moto.url);
  });
  afterAll(async () => {
    await counter?.stop();
    await moto?.stop();
  });

  it("counts every SSM call of a versioned save: the lock, the version read, the write and the unlock", async () => {
    const store = createSsmStateStore(createSsmClient(motoClientOptions(counter.url)), "/bench-counter");
    const created = await store.save("counted/state", { n: 1 }, { expectedVersion: "absent" });
    counter.reset();
    await store.save("counted/state", { n: 2 }, { expectedVersion: created });
    // Lock created with Overwrite=false, version read, value written, lock deleted.
    expect(tally(counter.calls())).toEqual({
      ssm: { DeleteParameter: 1, GetParameter: 1, PutParameter: 2 },
    });
    counter.reset();
    await store.loadMany?.(["counted/state", "missing/state"]);
    await store.load("counted/state");
    expect(tally(counter.calls())).toEqual({ ssm: { GetParameter: 1, GetParameters: 1 } });
  });
});
