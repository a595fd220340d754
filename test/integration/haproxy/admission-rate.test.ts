import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type HaproxyInstance,
  httpGet,
  skipHaproxyTests,
  startHaproxyInstance,
} from "../../support/haproxy-instance";

const ADMIT_RATE = 20;
const MEASURE_SECONDS = 10;
const NEW_USERS_PER_SECOND = 60;
const COOKIE_HOLDERS = 4;
const COOKIE_HOLDER_PAUSE_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skipHaproxyTests())("graded admission on a real HAProxy", () => {
  let instance: HaproxyInstance;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  beforeAll(async () => {
    instance = await startHaproxyInstance({ name: "i-admit" });
  });

  afterAll(async () => {
    agent.destroy();
    await instance?.stop();
  });

  it(`admits ${ADMIT_RATE} +/- 20% new users per second over ${MEASURE_SECONDS} s while cookie holders are never refused`, async () => {
    const { exitCode, json } = await instance.runFlowctl(["admit", String(ADMIT_RATE)]);
    expect(exitCode).toBe(0);
    expect(json).toMatchObject({
      ok: true,
      mode: "admitting",
      admitRate: ADMIT_RATE,
      servedMode: "admitting",
    });

    const admittedPerSecond = new Array<number>(MEASURE_SECONDS).fill(0);
    const refusedPerSecond = new Array<number>(MEASURE_SECONDS).fill(0);
    const unexpected: string[] = [];
    const cookieHolder = { ok: 0, failed: [] as string[] };
    const start = performance.now();
    const holders = runCookieHolders(instance, start + MEASURE_SECONDS * 1000, cookieHolder);

    // New users: evenly spaced, no cookie, each counted in the second it was sent.
    const newUserRequests: Promise<void>[] = [];
    const total = MEASURE_SECONDS * NEW_USERS_PER_SECOND;
    for (let i = 0; i < total; i++) {
      const sendAt = start + (i * 1000) / NEW_USERS_PER_SECOND;
      await sleep(Math.max(0, sendAt - performance.now()));
      const second = Math.min(MEASURE_SECONDS - 1, Math.floor((performance.now() - start) / 1000));
      newUserRequests.push(
        httpGet(`${instance.frontendUrl}/`, { agent }).then(
          (response) => {
            if (
              response.status === 200 &&
              response.headers["set-cookie"]?.[0]?.startsWith(instance.cookieName)
            ) {
              admittedPerSecond[second] = (admittedPerSecond[second] ?? 0) + 1;
            } else if (response.status === 503) {
              refusedPerSecond[second] = (refusedPerSecond[second] ?? 0) + 1;
            } else {
              unexpected.push(`status ${response.status}`);
            }
          },
          (error: Error) => {
            unexpected.push(error.message);
          },
        ),
      );
    }
    await Promise.all(newUserRequests);
    await holders;

    const admitted = admittedPerSecond.reduce((sum, n) => sum + n, 0);
    const measuredRate = admitted / MEASURE_SECONDS;
    console.info(
      `admit ${ADMIT_RATE}: measured ${measuredRate.toFixed(1)}/s; per second admitted [${admittedPerSecond.join(", ")}]` +
        ` refused [${refusedPerSecond.join(", ")}]; cookie holders ${cookieHolder.ok} ok, ${cookieHolder.failed.length} failed`,
    );
    expect(unexpected).toEqual([]);
    expect(measuredRate).toBeGreaterThanOrEqual(ADMIT_RATE * 0.8);
    expect(measuredRate).toBeLessThanOrEqual(ADMIT_RATE * 1.2);
    // The gate was actually under pressure: most new users were refused.
    expect(refusedPerSecond.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(admitted);
    expect(cookieHolder.failed).toEqual([]);
    expect(cookieHolder.ok).toBeGreaterThan(COOKIE_HOLDERS * 10);
  });
});

/** Sequential keep-alive clients holding the admission cookie until `end`; any non-200 is a failure. */
async function runCookieHolders(
  instance: HaproxyInstance,
  end: number,
  tally: { ok: number; failed: string[] },
): Promise<void> {
  await Promise.all(
    Array.from({ length: COOKIE_HOLDERS }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (performance.now() < end) {
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
          await sleep(COOKIE_HOLDER_PAUSE_MS);
        }
      } finally {
        agent.destroy();
      }
    }),
  );
}
