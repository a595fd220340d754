import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoadProcess } from "../../../bench/load-generator";

/** A target answering 200 to the admission cookie and 503 to anyone else, counting what it saw. */
function startTarget(): Promise<{ server: Server; url: string; seen: () => number }> {
  let seen = 0;
  const server = createServer((request, response) => {
    seen += 1;
    response.statusCode = request.headers.cookie === "admitted=1" ? 200 : 503;
    response.end("ok");
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen: () => seen,
      }),
    ),
  );
}

describe("the reaction bench's load, in a process of its own", () => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(() => new Promise<void>((resolve) => target.server.close(() => resolve())));

  it("loads every target until stopped and reports what it sent and what failed", async () => {
    const load = startLoadProcess(
      [
        { url: target.url, cookie: "admitted=1" },
        { url: target.url, cookie: "stranger=1" },
      ],
      { intervalMs: 20, maxDurationMs: 60_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const report = await load.stop();
    expect(report.requests).toBeGreaterThan(10);
    // The stranger's half was refused; the cookie holder's never.
    expect(report.non2xx).toBeGreaterThan(3);
    expect(report.non2xx).toBeLessThan(report.requests);
    expect(report.errors).toBe(0);
    expect(report.samples[0]).toContain("HTTP 503");
    // Stopped means stopped: nothing reaches the target afterwards.
    const after = target.seen();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(target.seen()).toBe(after);
  }, 30_000);
});
