import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type HaproxyInstance,
  httpGet,
  skipHaproxyTests,
  startHaproxyInstance,
} from "../../support/haproxy-instance";

const TOGGLES = 22;
const CLIENTS = 6;
const CLIENT_PAUSE_MS = 5;
const LOAD_DEADLINE_MS = 40_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skipHaproxyTests())("runtime toggles and reloads on a real HAProxy", () => {
  let instance: HaproxyInstance;

  beforeAll(async () => {
    instance = await startHaproxyInstance({ name: "i-toggle" });
  });

  afterAll(async () => {
    await instance?.stop();
  });

  it(`switches open/close ${TOGGLES} times under concurrent keep-alive load without failing a cookie holder`, async () => {
    const tally = { ok: 0, failed: [] as string[] };
    let stop = false;
    // Bounded twice: the clients stop when the toggles are done, or at the deadline whatever happens.
    const deadline = performance.now() + LOAD_DEADLINE_MS;
    const clients = Array.from({ length: CLIENTS }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (!stop && performance.now() < deadline) {
          try {
            const response = await httpGet(`${instance.frontendUrl}/basket`, {
              agent,
              cookie: `${instance.cookieName}=1`,
            });
            if (response.status === 200) tally.ok++;
            else tally.failed.push(`status ${response.status}`);
          } catch (error) {
            tally.failed.push((error as Error).message);
          }
          await sleep(CLIENT_PAUSE_MS);
        }
      } finally {
        agent.destroy();
      }
    });

    const elapsed: number[] = [];
    const servedAfter: number[] = [];
    const results: string[] = [];
    try {
      for (let i = 0; i < TOGGLES; i++) {
        const action = i % 2 === 0 ? "close" : "open";
        const { exitCode, json } = await instance.runFlowctl([action]);
        results.push(`${action}:${exitCode}:${json.servedMode}:${json.changed}`);
        elapsed.push(json.elapsedMs);
        const served = /served (\d+)ms after set map/.exec(json.message)?.[1];
        if (served !== undefined) servedAfter.push(Number(served));
        // Between toggles, a cookie-less visitor sees exactly the mode flowctl reported as served.
        const visitor = await httpGet(`${instance.frontendUrl}/`);
        expect(visitor.status).toBe(action === "close" ? 503 : 200);
      }
    } finally {
      stop = true;
      await Promise.all(clients);
    }

    console.info(
      `${TOGGLES} toggles under ${CLIENTS} keep-alive clients: ${tally.ok} requests ok, ${tally.failed.length} failed;` +
        ` flowctl elapsedMs ${summary(elapsed)}; set map -> served ms ${summary(servedAfter)}`,
    );
    expect(results).toEqual(
      Array.from({ length: TOGGLES }, (_, i) => (i % 2 === 0 ? "close:0:closed:true" : "open:0:open:true")),
    );
    expect(tally.failed).toEqual([]);
    expect(tally.ok).toBeGreaterThan(TOGGLES * CLIENTS);
  });

  it("keeps the closed mode across a master reload and still serves the sorry page", async () => {
    expect((await instance.runFlowctl(["close"])).exitCode).toBe(0);
    const before = await instance.status();

    await instance.reload();

    const after = await instance.status();
    expect(after.pid).not.toBe(before.pid);
    expect(after).toMatchObject({ mode: "closed", flowControl: "on", admitRate: 0 });
    const response = await httpGet(`${instance.frontendUrl}/`);
    expect(response.status).toBe(503);
    expect(response.headers["retry-after"]).toBe("30");
    const { exitCode, json } = await instance.runFlowctl(["status"]);
    expect(exitCode).toBe(0);
    expect(json).toMatchObject({ ok: true, mode: "closed", servedMode: "closed" });
    expect(json.message).not.toContain("WARNING");
  });

  it("keeps a graded admission rate across a master reload", async () => {
    expect((await instance.runFlowctl(["admit", "7"])).exitCode).toBe(0);
    await instance.reload();
    expect(await instance.status()).toMatchObject({ mode: "admitting", admitRate: 7 });
    // ... and the next change after the reload still applies at runtime.
    expect((await instance.runFlowctl(["open"])).json).toMatchObject({ ok: true, servedMode: "open" });
  });
});

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted[sorted.length - 1]}`;
}
