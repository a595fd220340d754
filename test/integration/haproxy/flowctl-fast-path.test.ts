import { appendFile, chmod, copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findHaproxy,
  type HaproxyInstance,
  haproxyConfigPath,
  skipHaproxyTests,
  startHaproxyInstance,
} from "../../support/haproxy-instance";

/**
 * What flowctl's fast path promises beyond the data-plane tests: the value is the thing validated (and
 * nothing else reaches HAProxy), `haproxy -c` runs only when the configuration changed, the lock cannot be
 * taken hostage by another local user, and a map holding a key twice is reported as HAProxy serves it.
 */
describe.skipIf(skipHaproxyTests())("flowctl fast path on a real HAProxy", () => {
  let instance: HaproxyInstance;

  beforeAll(async () => {
    instance = await startHaproxyInstance({ name: "i-fast", flowctlSettings: { LOCK_WAIT_SECONDS: "0.3" } });
  });

  afterAll(async () => {
    await instance?.stop();
  });

  /** A copy of the instance's settings file with some keys appended (later assignments win when sourced). */
  async function settingsWith(name: string, extra: Record<string, string>): Promise<string> {
    const file = path.join(instance.dir, `flowctl-${name}.conf`);
    const lines = Object.entries(extra).map(([key, value]) => `${key}='${value}'`);
    await writeFile(file, `${await readFile(instance.flowctlConfigPath, "utf8")}${lines.join("\n")}\n`);
    return file;
  }

  describe("a forged map value", () => {
    let proxy: RecordingCliProxy;

    beforeAll(async () => {
      proxy = await startRecordingCliProxy(instance.adminSocket, path.join(instance.dir, "recording.sock"));
    });

    afterAll(async () => {
      await proxy?.close();
    });

    it.each([
      [["admit", "5\nflow_control off"]],
      [["admit", "5 "]],
      [["admit", " 5"]],
      [["admit", "0x10"]],
      [["admit", "1e3"]],
      [["admit", "05"]],
      [["admit", "１２"]],
      [["admit", "99999"]],
    ])("%j is refused before a single command reaches the admin socket", async (args) => {
      expect((await instance.runFlowctl(["close"])).exitCode).toBe(0);
      const mapBefore = await readFile(instance.mapFile, "utf8");
      proxy.commands.length = 0;

      const { exitCode, json } = await instance.runFlowctl(args, { env: { ADMIN_SOCKET: proxy.socketPath } });

      expect(exitCode).toBe(2);
      expect(json).toMatchObject({ ok: false, changed: false });
      expect(proxy.commands).toEqual([]);
      expect(await readFile(instance.mapFile, "utf8")).toBe(mapBefore);
      expect(await instance.status()).toMatchObject({ mode: "closed", admitRate: 0 });
    });

    it("found in the runtime map is never written back by a rollback", async () => {
      // Someone set a value flowctl never writes straight on the admin socket; the next change fails its
      // verification, and the rollback must not send that value back (nor treat it as a mode).
      expect((await instance.runFlowctl(["close"])).exitCode).toBe(0);
      await cliCommand(instance.adminSocket, `set map ${instance.mapFile} admit_rate 1e3`);
      const stuck = await startStuckStatusEndpoint();
      proxy.commands.length = 0;
      try {
        const { exitCode, json } = await instance.runFlowctl(["open"], {
          env: { ADMIN_SOCKET: proxy.socketPath, STATUS_URL: stuck.url, VERIFY_TIMEOUT_MS: "100" },
        });
        expect(exitCode).toBe(7);
        expect(json).toMatchObject({ ok: false, mode: "unknown" });
        expect(json.message).toContain("not values flowctl writes");
      } finally {
        await stuck.close();
      }
      expect(proxy.commands.filter((command) => command.startsWith("set map"))).toEqual([
        `set map ${instance.mapFile} flow_control off`,
        `set map ${instance.mapFile} admit_rate 0`,
      ]);
      expect(proxy.commands.join("\n")).not.toContain("1e3");
      // The map file still holds what flowctl last wrote: a reload would not load the forged value either.
      expect(await readFile(instance.mapFile, "utf8")).toMatch(/^flow_control on\nadmit_rate 0\n/m);
      expect((await instance.runFlowctl(["close"])).json).toMatchObject({ ok: true, servedMode: "closed" });
    });
  });

  describe("haproxy -c", () => {
    let counted: string;
    let calls: string;
    let cfgCopy: string;

    beforeAll(async () => {
      // A haproxy that records each run, and a private copy of the configuration that the test may edit.
      calls = path.join(instance.dir, "haproxy-calls.log");
      const wrapper = path.join(instance.dir, "haproxy-counting");
      await writeFile(wrapper, `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${findHaproxy()}' "$@"\n`);
      await chmod(wrapper, 0o755);
      const cfgDir = path.join(instance.dir, "cfg");
      await mkdir(cfgDir);
      cfgCopy = path.join(cfgDir, "haproxy.cfg");
      await copyFile(haproxyConfigPath, cfgCopy);
      await copyFile(
        path.join(path.dirname(haproxyConfigPath), "sorry.html"),
        path.join(cfgDir, "sorry.html"),
      );
      counted = await settingsWith("counted", { HAPROXY_BIN: wrapper, HAPROXY_CFG: cfgCopy });
    });

    const checks = async () => (await readFile(calls, "utf8").catch(() => "")).split("\n").filter(Boolean);
    const run = (args: string[]) => instance.runFlowctl(args, { env: { FLOWCTL_CONFIG: counted } });

    it("runs once for the first change under a configuration, then not for mode changes alone", async () => {
      expect((await run(["open"])).exitCode).toBe(0);
      expect((await run(["close"])).exitCode).toBe(0);
      expect(await checks()).toHaveLength(1);
      for (const args of [["admit", "5"], ["open"], ["close"], ["admit", "10000"], ["open"]]) {
        const { exitCode, json } = await run(args);
        expect(exitCode).toBe(0);
        expect(json.changed).toBe(true);
      }
      expect(await checks()).toHaveLength(1);
      expect((await checks())[0]).toMatch(/^-c -f /);
    });

    it("runs again after the configuration is edited, and refuses a change when the edit broke it", async () => {
      const before = (await checks()).length;
      await appendFile(cfgCopy, "\n# an operator's edit\n");
      expect((await run(["close"])).exitCode).toBe(0);
      expect(await checks()).toHaveLength(before + 1);

      const text = await readFile(cfgCopy, "utf8");
      await writeFile(
        cfgCopy,
        text.replace("timeout connect 5s", "timeout connect 5s\n    option forceclose"),
      );
      const { exitCode, json } = await run(["open"]);
      expect(exitCode).toBe(4);
      expect(json).toMatchObject({ ok: false, mode: "closed", changed: false });
      expect((await instance.status()).mode).toBe("closed");
      // Still refused on the next try: a failed check is never recorded as passed.
      expect((await run(["open"])).exitCode).toBe(4);
      await writeFile(cfgCopy, text);
    });

    it("always runs on `flowctl check` and reports a broken configuration with exit 4", async () => {
      const before = (await checks()).length;
      const ok = await run(["check"]);
      expect(ok.exitCode).toBe(0);
      expect(ok.json).toMatchObject({ ok: true, action: "check", changed: false });
      expect(await checks()).toHaveLength(before + 1);
      const text = await readFile(cfgCopy, "utf8");
      await writeFile(
        cfgCopy,
        text.replace("timeout connect 5s", "timeout connect 5s\n    option forceclose"),
      );
      const { exitCode, json, stderr } = await run(["check"]);
      await writeFile(cfgCopy, text);
      expect(exitCode).toBe(4);
      expect(json).toMatchObject({ ok: false, action: "check", changed: false });
      expect(stderr).toContain("forceclose");
    });
  });

  describe("the lock", () => {
    it("refuses a lock in a directory others can write, like /run/lock, and changes nothing", async () => {
      expect((await instance.runFlowctl(["close"])).exitCode).toBe(0);
      const shared = path.join(instance.dir, "shared-lock-dir");
      await mkdir(shared);
      await chmod(shared, 0o1777); // what /run/lock is on Debian
      const settings = await settingsWith("shared-lock", { LOCK_FILE: path.join(shared, "flowctl.lock") });

      const { exitCode, json } = await instance.runFlowctl(["open"], { env: { FLOWCTL_CONFIG: settings } });

      expect(exitCode).toBe(8);
      expect(json).toMatchObject({ ok: false, action: "open", changed: false });
      expect(json.message).toContain("any local user could hold the lock");
      expect((await instance.status()).mode).toBe("closed");
    });

    it("creates its own lock directory readable and writable by its owner only", async () => {
      const lockDir = path.join(instance.dir, "run", "traffic-autopilot");
      await mkdir(path.dirname(lockDir));
      const settings = await settingsWith("own-lock", { LOCK_FILE: path.join(lockDir, "flowctl.lock") });

      const { exitCode } = await instance.runFlowctl(["open"], { env: { FLOWCTL_CONFIG: settings } });

      expect(exitCode).toBe(0);
      const dir = await stat(lockDir);
      expect(dir.mode & 0o777).toBe(0o700);
      expect(dir.uid).toBe(process.geteuid?.());
      expect((await stat(path.join(lockDir, "flowctl.lock"))).mode & 0o077).toBe(0);
    });
  });

  describe("a map holding a key twice", () => {
    it("is reported as HAProxy serves it (the first entry), with a warning, and repaired by the next change", async () => {
      // A hand edit appended new values instead of replacing the old ones; HAProxy serves the first entry.
      await writeFile(instance.mapFile, "flow_control on\nadmit_rate 0\nflow_control off\nadmit_rate 5\n");
      await instance.reload();
      expect(await instance.status()).toMatchObject({ mode: "closed", admitRate: 0 });

      const status = await instance.runFlowctl(["status"]);
      expect(status.exitCode).toBe(0);
      expect(status.json).toMatchObject({ ok: true, mode: "closed", admitRate: 0, servedMode: "closed" });
      expect(status.json.message).toContain("more than once");

      // Asking for the mode already served is not "nothing to do": the file must lose its duplicates.
      const repaired = await instance.runFlowctl(["close"]);
      expect(repaired.json).toMatchObject({ ok: true, mode: "closed", changed: true });
      const lines = (await readFile(instance.mapFile, "utf8")).split("\n").filter((l) => /^[a-z]/.test(l));
      expect(lines).toEqual(["flow_control on", "admit_rate 0"]);
      await instance.reload();
      expect((await instance.runFlowctl(["status"])).json.message).not.toContain("WARNING");
    });
  });
});

interface RecordingCliProxy {
  socketPath: string;
  commands: string[];
  close(): Promise<void>;
}

/** A unix-socket proxy in front of the admin socket that records every command line sent through it. */
async function startRecordingCliProxy(target: string, socketPath: string): Promise<RecordingCliProxy> {
  const commands: string[] = [];
  const server = net.createServer((client) => {
    const upstream = net.createConnection(target);
    client.on("data", (chunk) => {
      commands.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, commands, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** One command on the admin socket, the way an operator would type it. */
function cliCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath, () => socket.write(`${command}\n`));
    let output = "";
    socket.setTimeout(2_000, () => socket.destroy(new Error(`"${command}" timed out`)));
    socket.on("data", (chunk) => {
      output += chunk.toString("utf8");
    });
    socket.on("close", () => resolve(output));
    socket.on("error", reject);
  });
}

/** A status endpoint stuck on "closed": stands for a worker that never picks up a change. */
async function startStuckStatusEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ mode: "closed", flowControl: "on", admitRate: 0, pid: 1 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
