import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const BASH = "/bin/bash";

/**
 * scripts/setup.sh on a simulated machine: a checkout of its own (a copy of the script, manifests and an
 * installed node_modules stamp) and a PATH holding only the tools a case gives it. apt-get, sudo and npm
 * are fakes that record their arguments (apt-get "installs" by creating the binaries), so nothing is
 * installed on the machine running the test.
 */
interface Machine {
  dir: string;
  bin: string;
  calls: () => string[];
  run: () => { status: number | null; stdout: string };
}

interface MachineOptions {
  uid?: number;
  aptGet?: boolean;
  /** "none": no sudo; "password": sudo that would prompt; "ok": passwordless sudo. */
  sudo?: "none" | "password" | "ok";
  haproxy?: boolean;
  chromium?: boolean;
  moto?: boolean;
  /** node_modules older than the lock file: npm install is due. */
  staleNodeModules?: boolean;
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function script(file: string, body: string): void {
  writeFileSync(file, `#!${BASH}\n${body}\n`);
  chmodSync(file, 0o755);
}

function machine(options: MachineOptions = {}): Machine {
  const dir = mkdtempSync(path.join(tmpdir(), "setup-script-"));
  made.push(dir);
  const bin = path.join(dir, "bin");
  const log = path.join(dir, "calls.log");
  mkdirSync(bin);
  mkdirSync(path.join(dir, "scripts"));
  mkdirSync(path.join(dir, "node_modules"));
  copyFileSync(path.join(root, "scripts/setup.sh"), path.join(dir, "scripts/setup.sh"));
  writeFileSync(path.join(dir, "package.json"), "{}");
  writeFileSync(path.join(dir, "package-lock.json"), "{}");
  writeFileSync(path.join(dir, "node_modules/.package-lock.json"), "{}");
  const past = new Date(Date.now() - 3_600_000);
  const stamp = options.staleNodeModules ? past : new Date();
  utimesSync(path.join(dir, "package.json"), past, past);
  utimesSync(path.join(dir, "package-lock.json"), options.staleNodeModules ? new Date() : past, past);
  utimesSync(path.join(dir, "node_modules/.package-lock.json"), stamp, stamp);
  for (const tool of ["dirname", "uname", "head", "env", "chmod"]) {
    const real = ["/usr/bin", "/bin"].map((d) => path.join(d, tool)).find((p) => existsSync(p));
    if (real) symlinkSync(real, path.join(bin, tool));
  }
  script(path.join(bin, "id"), `echo ${options.uid ?? 1000}`);
  const record = (name: string) => `echo "${name} $*" >> ${log}`;
  const fakeHaproxy = `${record("haproxy")}\necho "HAProxy version 2.6.99 (fake)"`;
  if (options.haproxy) script(path.join(bin, "haproxy"), fakeHaproxy);
  if (options.chromium) script(path.join(bin, "chromium"), record("chromium"));
  script(path.join(bin, "cfn-lint"), "echo cfn-lint 1.0.0");
  script(path.join(bin, "python3"), options.moto === false ? "exit 1" : "echo 5.2.1");
  script(path.join(bin, "npm"), record("npm"));
  if (options.aptGet !== false) {
    // "Installing" creates the binaries where the script looks for them.
    script(
      path.join(bin, "apt-get"),
      [
        record("apt-get"),
        `for p in "$@"; do case "$p" in`,
        `  haproxy) printf '#!${BASH}\\necho "HAProxy version 2.6.99 (fake)"\\n' > ${bin}/haproxy; chmod +x ${bin}/haproxy ;;`,
        `  chromium) printf '#!${BASH}\\n' > ${bin}/chromium; chmod +x ${bin}/chromium ;;`,
        "esac; done",
      ].join("\n"),
    );
  }
  if (options.sudo === "password") script(path.join(bin, "sudo"), `${record("sudo")}\nexit 1`);
  if (options.sudo === "ok") {
    script(path.join(bin, "sudo"), `${record("sudo")}\n[ "$1" = -n ] && shift\n"$@"`);
  }
  return {
    dir,
    bin,
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []),
    run: () => {
      const result = spawnSync(BASH, [path.join(dir, "scripts/setup.sh")], {
        env: { PATH: bin, HOME: dir, SETUP_SBIN_DIRS: "" },
        encoding: "utf8",
        timeout: 30_000,
      });
      return { status: result.status, stdout: `${result.stdout}${result.stderr}` };
    },
  };
}

const installs = (calls: string[]) => calls.filter((c) => /^(apt-get|sudo|npm) /.test(c));

describe("scripts/setup.sh", () => {
  it("installs what is missing as root, then a second run installs nothing", () => {
    const m = machine({ uid: 0, staleNodeModules: true });
    const first = m.run();
    expect(first.status, first.stdout).toBe(0);
    expect(first.stdout).toContain("setup complete: installed haproxy chromium npm-dependencies");
    expect(installs(m.calls())).toEqual([
      "apt-get update -qq",
      "apt-get install -y -qq haproxy chromium",
      "npm install --no-audit --no-fund",
    ]);
    // npm refreshes its stamp on install.
    writeFileSync(path.join(m.dir, "node_modules/.package-lock.json"), "{}");
    const before = m.calls().length;
    const second = m.run();
    expect(second.status, second.stdout).toBe(0);
    expect(second.stdout).toContain("setup complete: nothing to install");
    expect(installs(m.calls().slice(before))).toEqual([]);
  });

  it("installs through passwordless sudo when not root", () => {
    const m = machine({ sudo: "ok", haproxy: true });
    const result = m.run();
    expect(result.status, result.stdout).toBe(0);
    expect(installs(m.calls())).toEqual([
      "sudo -n true",
      "sudo -n apt-get update -qq",
      "apt-get update -qq",
      "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
      "apt-get install -y -qq chromium",
    ]);
  });

  it.each([
    [
      "not root and no sudo",
      { sudo: "none" },
      "as root: apt-get update && apt-get install -y haproxy chromium",
    ],
    [
      "sudo that would ask for a password",
      { sudo: "password" },
      "sudo apt-get update && sudo apt-get install -y haproxy chromium",
    ],
    ["no apt-get", { aptGet: false, uid: 0 }, "brew install haproxy && brew install --cask chromium"],
  ] as const)("stops with the exact command when it cannot install: %s", (_name, options, command) => {
    const m = machine(options as MachineOptions);
    const result = m.run();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("setup is NOT complete. Run:");
    expect(result.stdout).toContain(command);
    expect(installs(m.calls()).filter((c) => !c.startsWith("sudo -n true"))).toEqual([]);
  });

  it("detects a missing moto and names the pip command instead of installing it", () => {
    const m = machine({ haproxy: true, chromium: true, moto: false });
    const result = m.run();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('python3 -m pip install "moto[server]"');
    expect(installs(m.calls())).toEqual([]);
  });
});
