import { spawnSync } from "node:child_process";

/** Debian's package installs `chromium`; other systems may call it chromium-browser. */
export function findChromium(): string | undefined {
  for (const candidate of [process.env.CHROMIUM_BIN, "chromium", "chromium-browser"]) {
    if (candidate && spawnSync(candidate, ["--version"], { stdio: "ignore" }).status === 0) return candidate;
  }
  return undefined;
}

/** Headless Chromium on a local file with its own throwaway profile; `args` before the URL. */
export function browse(chromium: string, profile: string, file: string, ...args: string[]) {
  return spawnSync(
    chromium,
    ["--headless", "--no-sandbox", "--disable-gpu", `--user-data-dir=${profile}`, ...args, `file://${file}`],
    { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
}
