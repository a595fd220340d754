import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  flowctlPath,
  type HaproxyInstance,
  haproxyConfigPath,
  httpGet,
  skipHaproxyTests,
  startHaproxyInstance,
  waitFor,
} from "../../support/haproxy-instance";

// 127.0.0.2 is loopback too: requests bound to it stand for an allowlisted office IP.
const ALLOWLISTED_IP = "127.0.0.2";

describe.skipIf(skipHaproxyTests())("flow control gate on a real HAProxy", () => {
  let instance: HaproxyInstance;
  let cookie: string;

  beforeAll(async () => {
    instance = await startHaproxyInstance({
      name: "i-gate",
      allowlistIps: [ALLOWLISTED_IP],
      allowlistPaths: ["/payment/notify"],
      flowctlSettings: { LOCK_WAIT_SECONDS: "0.3" },
    });
    cookie = `${instance.cookieName}=1`;
  });

  afterAll(async () => {
    await instance?.stop();
  });

  describe("while closed", () => {
    beforeEach(async () => {
      const { exitCode } = await instance.runFlowctl(["close"]);
      expect(exitCode).toBe(0);
    });

    it("serves a cookie-less request the sorry page: 503, Retry-After, HTML, no cookie", async () => {
      const response = await httpGet(`${instance.frontendUrl}/products/42`);
      expect(response.status).toBe(503);
      expect(response.headers["retry-after"]).toBe("30");
      expect(response.headers["content-type"]).toMatch(/^text\/html/);
      expect(response.headers["cache-control"]).toBe("no-store");
      expect(response.headers["set-cookie"]).toBeUndefined();
      expect(response.body).toContain("<!DOCTYPE html>");
      expect(response.body).toContain("try again");
    });

    it("lets a request holding the admission cookie reach the backend", async () => {
      const response = await httpGet(`${instance.frontendUrl}/checkout`, { cookie });
      expect(response.status).toBe(200);
      expect(response.body).toBe("backend-ok i-gate\n");
    });

    it("lets an allowlisted source IP through without handing it a cookie", async () => {
      const response = await httpGet(`${instance.frontendUrl}/`, { localAddress: ALLOWLISTED_IP });
      expect(response.status).toBe(200);
      expect(response.body).toBe("backend-ok i-gate\n");
      expect(response.headers["set-cookie"]).toBeUndefined();
    });

    it("lets an allowlisted path through without handing out a cookie that would admit everywhere", async () => {
      const response = await httpGet(`${instance.frontendUrl}/payment/notify?order=7`);
      expect(response.status).toBe(200);
      expect(response.headers["set-cookie"]).toBeUndefined();
      expect((await httpGet(`${instance.frontendUrl}/payment`)).status).toBe(503);
    });
  });

  it("gives visitors arriving while open a cookie that keeps them shopping after the gate closes", async () => {
    expect((await instance.runFlowctl(["open"])).exitCode).toBe(0);
    const arriving = await httpGet(`${instance.frontendUrl}/`);
    expect(arriving.status).toBe(200);
    const setCookie = arriving.headers["set-cookie"]?.[0] ?? "";
    expect(setCookie).toMatch(new RegExp(`^${instance.cookieName}=1; Path=/; HttpOnly; SameSite=Lax`));
    const browserCookie = setCookie.split(";")[0] ?? "";

    expect((await instance.runFlowctl(["close"])).exitCode).toBe(0);
    expect((await httpGet(`${instance.frontendUrl}/basket`, { cookie: browserCookie })).status).toBe(200);
    expect((await httpGet(`${instance.frontendUrl}/basket`)).status).toBe(503);
  });

  it("serves the new mode by the time flowctl returns, and reports it", async () => {
    expect((await instance.runFlowctl(["open"])).exitCode).toBe(0);
    const started = performance.now();
    const { exitCode, json } = await instance.runFlowctl(["close"]);
    const commandMs = performance.now() - started;
    expect(exitCode).toBe(0);
    expect(json).toMatchObject({ ok: true, mode: "closed", servedMode: "closed", changed: true });
    expect((await httpGet(`${instance.frontendUrl}/`)).status).toBe(503);
    console.info(`flowctl close: ${Math.round(commandMs)} ms wall, elapsedMs=${json.elapsedMs}`);
  });

  describe("idempotency, status and usage", () => {
    it("changes nothing when asked for the mode already served", async () => {
      await instance.runFlowctl(["close"]);
      const before = await readFile(instance.mapFile, "utf8");
      const { exitCode, json } = await instance.runFlowctl(["close"]);
      expect(exitCode).toBe(0);
      expect(json).toMatchObject({ ok: true, action: "close", mode: "closed", changed: false });
      expect(await readFile(instance.mapFile, "utf8")).toBe(before);
    });

    it("reports mode, admit rate and served mode in every status field", async () => {
      expect((await instance.runFlowctl(["admit", "35"])).exitCode).toBe(0);
      const { exitCode, json } = await instance.runFlowctl(["status"]);
      expect(exitCode).toBe(0);
      expect(json).toEqual({
        ok: true,
        action: "status",
        mode: "admitting",
        admitRate: 35,
        servedMode: "admitting",
        changed: false,
        elapsedMs: expect.any(Number),
        message: expect.stringContaining("35"),
      });
      expect(await instance.status()).toMatchObject({ mode: "admitting", flowControl: "on", admitRate: 35 });
      expect(await readFile(instance.mapFile, "utf8")).toMatch(/^flow_control on\nadmit_rate 35\n$/m);
    });

    it.each([
      [["admit", "0"]],
      [["admit", "abc"]],
      [["admit", "10001"]],
      [["admit", "-5"]],
      [["admit"]],
      [["bogus"]],
      [["close", "now"]],
      [[]],
    ])("rejects %j with exit 2 and ok=false, changing nothing", async (args) => {
      const before = await instance.status();
      const { exitCode, json } = await instance.runFlowctl(args);
      expect(exitCode).toBe(2);
      expect(json.ok).toBe(false);
      expect(json.changed).toBe(false);
      expect(json.message).toContain("usage: flowctl");
      expect(await instance.status()).toEqual(before);
    });
  });

  describe("refusing what cannot be applied safely", () => {
    beforeEach(async () => {
      expect((await instance.runFlowctl(["close"])).exitCode).toBe(0);
    });

    it("refuses a broken config (exit 4) and keeps serving the previous mode", async () => {
      // A 1.7-era directive slipped into haproxy.cfg: a reload would keep the old worker serving, but the
      // next restart would fail, so flowctl must refuse before touching anything.
      const brokenCfg = path.join(instance.dir, "broken", "haproxy.cfg");
      await mkdir(path.dirname(brokenCfg), { recursive: true });
      const cfg = await readFile(haproxyConfigPath, "utf8");
      await writeFile(
        brokenCfg,
        cfg.replace("timeout connect 5s", "timeout connect 5s\n    option forceclose"),
      );
      await copyFile(
        path.join(path.dirname(haproxyConfigPath), "sorry.html"),
        path.join(path.dirname(brokenCfg), "sorry.html"),
      );
      const brokenSettings = path.join(instance.dir, "flowctl-broken.conf");
      await writeFile(
        brokenSettings,
        `${await readFile(instance.flowctlConfigPath, "utf8")}HAPROXY_CFG='${brokenCfg}'\n`,
      );
      const mapBefore = await readFile(instance.mapFile, "utf8");

      const { exitCode, json, stderr } = await instance.runFlowctl(["open"], {
        env: { FLOWCTL_CONFIG: brokenSettings },
      });

      expect(exitCode).toBe(4);
      expect(json).toMatchObject({ ok: false, action: "open", mode: "closed", changed: false });
      expect(stderr).toContain("forceclose");
      expect(await readFile(instance.mapFile, "utf8")).toBe(mapBefore);
      expect((await instance.status()).mode).toBe("closed");
      expect((await httpGet(`${instance.frontendUrl}/`)).status).toBe(503);
    });

    it("rolls back to the previous mode (exit 6) when the served mode cannot be verified", async () => {
      // A status endpoint stuck on "closed" stands for a worker that never picked up the change.
      const stuck = http.createServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ mode: "closed", flowControl: "on", admitRate: 0, pid: 1 }));
      });
      await new Promise<void>((resolve) => stuck.listen(0, "127.0.0.1", resolve));
      const address = stuck.address();
      if (address === null || typeof address === "string") throw new Error("no address");
      const mapBefore = await readFile(instance.mapFile, "utf8");
      try {
        const { exitCode, json } = await instance.runFlowctl(["open"], {
          env: { STATUS_URL: `http://127.0.0.1:${address.port}/`, VERIFY_TIMEOUT_MS: "150" },
        });
        expect(exitCode).toBe(6);
        expect(json).toMatchObject({ ok: false, action: "open", mode: "closed", changed: false });
        expect(json.message).toContain("rolled back to closed");
      } finally {
        stuck.closeAllConnections();
        await new Promise((resolve) => stuck.close(resolve));
      }
      expect(await readFile(instance.mapFile, "utf8")).toBe(mapBefore);
      expect((await instance.status()).mode).toBe("closed");
      expect((await httpGet(`${instance.frontendUrl}/`)).status).toBe(503);
    });
  });

  it.each([
    ["an admin socket that does not answer", { ADMIN_SOCKET: "/nonexistent/admin.sock" }, 9],
    ["a map file HAProxy never loaded", { MAP_FILE: "/nonexistent/flow-control.map" }, 4],
  ])("refuses to act through %s, changing nothing", async (_what, env, code) => {
    expect((await instance.runFlowctl(["close"])).exitCode).toBe(0);
    const { exitCode, json } = await instance.runFlowctl(["open"], { env });
    expect(exitCode).toBe(code);
    expect(json).toMatchObject({ ok: false, action: "open", changed: false });
    expect((await instance.status()).mode).toBe("closed");
  });

  it("stops (exit 8) before acting when flowctl_helper.py is missing or from another version", async () => {
    expect((await instance.runFlowctl(["close"])).exitCode).toBe(0);
    const missing = await instance.runFlowctl(["open"], { env: { HELPER_DIR: "/nonexistent" } });
    expect(missing.exitCode).toBe(8);
    expect(missing.json.message).toContain("flowctl_helper.py not found in /nonexistent");
    // A helper left from another release: same file, another protocol number.
    const other = await mkdtemp(path.join(instance.dir, "helper-"));
    const helper = await readFile(path.join(path.dirname(flowctlPath), "flowctl_helper.py"), "utf8");
    expect(helper).toContain('PROTOCOL = "1"');
    await writeFile(
      path.join(other, "flowctl_helper.py"),
      helper.replace('PROTOCOL = "1"', 'PROTOCOL = "2"'),
    );
    const skewed = await instance.runFlowctl(["open"], { env: { HELPER_DIR: other } });
    expect(skewed.exitCode).toBe(8);
    expect(skewed.json).toMatchObject({ ok: false, action: "open", changed: false });
    expect(skewed.json.message).toContain("from different versions");
    expect((await instance.status()).mode).toBe("closed");
  });

  it("answers busy (exit 3) while another flowctl holds the lock, and changes nothing", async () => {
    expect((await instance.runFlowctl(["close"])).exitCode).toBe(0);
    const lockFile = path.join(instance.dir, "flowctl.lock");
    // flock holds the lock for a bounded time; its own process group so the whole holder can be killed.
    const holder = spawn("flock", [lockFile, "sh", "-c", "echo locked; exec sleep 30"], {
      stdio: ["ignore", "pipe", "ignore"],
      detached: true,
    });
    try {
      let announced = false;
      holder.stdout.on("data", () => {
        announced = true;
      });
      await waitFor("the lock holder", async () => (announced ? true : undefined), 5_000);
      const { exitCode, json } = await instance.runFlowctl(["open"]);
      expect(exitCode).toBe(3);
      expect(json).toMatchObject({ ok: false, action: "open", changed: false });
      expect(json.message).toContain("another flowctl");
      expect((await instance.status()).mode).toBe("closed");
    } finally {
      if (holder.pid !== undefined) process.kill(-holder.pid, "SIGKILL");
    }
  });
});
