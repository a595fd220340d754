import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../tools/backtest/cli";
import { twoOriginPolicy } from "../../../tools/backtest/defaults";
import { runBacktest } from "../../../tools/backtest/run-backtest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SALE_SPIKE = join(ROOT, "test/fixtures/traces/sale-spike.csv");
const work = mkdtempSync(join(tmpdir(), "backtest-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const START = Date.parse("2026-01-01T00:00:00Z");
const HEADER = "minute,requests,cache_hit_rate,total_error_rate,origin_requests";

/** Writes a small trace: 800/min for an hour with a 3x spike at 00:30, as CSV lines. */
function writeTrace(name: string, edit: (lines: string[]) => string[] = (l) => l): string {
  const lines = [HEADER];
  for (let i = 0; i < 60; i++) {
    const load = i >= 30 && i < 40 ? 2400 : 800;
    lines.push(`${new Date(START + i * 60_000).toISOString()},${load * 10},90,0,${load}`);
  }
  const path = join(work, name);
  writeFileSync(path, edit(lines).join("\n"));
  return path;
}

function writeFile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe("backtest --json", () => {
  it("prints exactly the summary fields and each decision's minute and weights", () => {
    const { exitCode, stdout, stderr } = main(["--trace", SALE_SPIKE, "--capacity", "9000", "--json"]);
    const output = JSON.parse(stdout);

    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(Object.keys(output)).toEqual(["summary", "decisions"]);
    expect(Object.keys(output.summary)).toEqual([
      "overloadMinutes",
      "overloadExcess",
      "elasticRequests",
      "oracleElasticRequests",
      "changes",
      "flaps",
    ]);
    expect(output.decisions.length).toBe(output.summary.changes);
    for (const decision of output.decisions) {
      expect(Object.keys(decision)).toEqual(["minute", "weights"]);
      expect(Object.keys(decision.weights)).toEqual(["primary", "elastic"]);
      expect(decision.weights.primary + decision.weights.elastic).toBe(255);
    }
  });

  it("reports the autopilot run by default, as runBacktest computes it", () => {
    const trace = writeTrace("default.csv");
    const expected = runBacktest({
      traceCsv: readFileSync(trace, "utf8"),
      traceName: "default.csv",
      policy: twoOriginPolicy(1000),
      policyName: "autopilot",
      intervalMinutes: 1,
      metricDelayMinutes: 2,
      ttlSeconds: 60,
      windowMinutes: 60,
    });
    const output = JSON.parse(main(["--trace", trace, "--capacity", "1000", "--json"]).stdout);

    expect(expected.decisions.length).toBeGreaterThan(0);
    expect(output).toEqual({
      summary: expected.summary,
      decisions: expected.decisions.map(({ minute, weights }) => ({ minute, weights })),
    });
  });

  it("reports the seed rule when asked, changing only at 5-minute evaluations", () => {
    const output = JSON.parse(
      main(["--trace", writeTrace("seed.csv"), "--capacity", "1000", "--policy", "seed", "--json"]).stdout,
    );

    expect(output.decisions.length).toBeGreaterThan(0);
    for (const d of output.decisions) expect(new Date(d.minute).getUTCMinutes() % 5).toBe(0);
  });

  it("names the weights after the SetIdentifiers of a config file", () => {
    const config = writeFile(
      "pool.yml",
      "origins:\n  - setIdentifier: nke\n    capacity: 1000\n  - setIdentifier: gke\ncooldownMinutes: 10\n",
    );
    const output = JSON.parse(main(["--trace", writeTrace("pool.csv"), "--config", config, "--json"]).stdout);

    expect(output.decisions.length).toBeGreaterThan(0);
    expect(Object.keys(output.decisions[0].weights)).toEqual(["nke", "gke"]);
  });
});

describe("backtest human output", () => {
  it("runs autopilot and seed side by side with their ratios when no policy is chosen", () => {
    const { exitCode, stdout } = main(["--trace", writeTrace("both.csv"), "--capacity", "1000"]);

    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^\s+autopilot\s+seed\s+autopilot\/seed$/m);
    for (const label of [
      "overload minutes",
      "overload excess",
      "changes",
      "flaps",
      "elastic requests",
      "oracle elastic",
      "elastic/oracle",
    ]) {
      expect(stdout).toMatch(new RegExp(`^${label} `, "m"));
    }
    expect(stdout).toMatch(/^changes\s+\d+\s+\d+\s+(\d+\.\d\dx|—)$/m);
  });

  it("writes the HTML report next to the table", () => {
    const report = join(work, "report.html");
    const { exitCode, stdout } = main([
      "--trace",
      writeTrace("html.csv"),
      "--capacity",
      "1000",
      "--html",
      report,
    ]);

    expect(exitCode).toBe(0);
    expect(stdout).toContain(`report written to ${report}`);
    expect(readFileSync(report, "utf8")).toMatch(/^<!doctype html>/);
  });

  it("prints the usage with --help", () => {
    const { exitCode, stdout } = main(["--help"]);

    expect(exitCode).toBe(0);
    for (const option of [
      "--trace",
      "--capacity",
      "--config",
      "--policy",
      "--json",
      "--html",
      "--interval",
      "--delay",
      "--ttl",
      "--compare-all",
    ]) {
      expect(stdout).toContain(option);
    }
  });
});

describe("backtest with bad input", () => {
  it.each(
    [
      {
        behaviour: "neither --capacity nor --config is given",
        args: () => ["--trace", SALE_SPIKE],
        message: "--capacity",
      },
      { behaviour: "no trace is given", args: () => ["--capacity", "9000"], message: "--trace" },
      {
        behaviour: "the trace file does not exist",
        args: () => ["--trace", join(work, "nope.csv"), "--capacity", "9000"],
        message: "nope.csv: no such file",
      },
      {
        behaviour: "a CSV line is malformed",
        args: () => [
          "--trace",
          writeTrace("bad-line.csv", (l) =>
            l.map((line, i) => (i === 3 ? line.replace(",90,", ",ninety,") : line)),
          ),
          "--capacity",
          "9000",
        ],
        message: 'bad-line.csv:4: cache_hit_rate "ninety" is not a number',
      },
      {
        behaviour: "a minute is not a time",
        args: () => [
          "--trace",
          writeTrace("bad-minute.csv", (l) =>
            l.map((line, i) => (i === 5 ? line.replace(/^[^,]+/, "yesterday") : line)),
          ),
          "--capacity",
          "9000",
        ],
        message: 'bad-minute.csv:6: minute "yesterday" is not an ISO time',
      },
      {
        behaviour: "the CSV header is wrong",
        args: () => [
          "--trace",
          writeTrace("bad-header.csv", (l) => ["minute,requests", ...l.slice(1)]),
          "--capacity",
          "9000",
        ],
        message: "bad-header.csv: header must be",
      },
      {
        behaviour: "a minute is missing from the trace",
        args: () => [
          "--trace",
          writeTrace("skip.csv", (l) => l.filter((_, i) => i !== 10)),
          "--capacity",
          "9000",
        ],
        message: "skip.csv:11: minute 2026-01-01T00:10:00.000Z does not follow 2026-01-01T00:08:00.000Z",
      },
      {
        behaviour: "the capacity is not a positive number",
        args: () => ["--trace", SALE_SPIKE, "--capacity", "lots"],
        message: "argument 'lots' is invalid. must be a number > 0",
      },
      {
        behaviour: "an option is unknown",
        args: () => ["--trace", SALE_SPIKE, "--capacty", "9000"],
        message: "unknown option '--capacty'",
      },
      {
        behaviour: "the config has an unknown key",
        args: () => [
          "--trace",
          SALE_SPIKE,
          "--config",
          writeFile(
            "typo.yml",
            "origins:\n  - {setIdentifier: a, capacity: 9000}\n  - {setIdentifier: b}\ncooldown: 5\n",
          ),
        ],
        message: "cooldown: unknown key",
      },
      {
        behaviour: "the config has a bad value",
        args: () => [
          "--trace",
          SALE_SPIKE,
          "--capacity",
          "9000",
          "--config",
          writeFile("bad-value.yml", "engageUtilisation: -1\n"),
        ],
        message: "engageUtilisation:",
      },
      {
        behaviour: "the config is not YAML",
        args: () => ["--trace", SALE_SPIKE, "--config", writeFile("broken.yml", "origins: [\n")],
        message: "broken.yml",
      },
      {
        behaviour: "the seed rule is asked for three origins",
        args: () => [
          "--trace",
          SALE_SPIKE,
          "--policy",
          "seed",
          "--config",
          writeFile(
            "three.yml",
            "origins:\n  - {setIdentifier: a, capacity: 9000}\n  - {setIdentifier: b, capacity: 9000}\n  - {setIdentifier: c}\n",
          ),
        ],
        message: "the seed rule splits between two origins",
      },
      {
        behaviour: "--compare-all is combined with a trace",
        args: () => ["--compare-all", "--trace", SALE_SPIKE],
        message: "cannot be used with option '--trace",
      },
    ].map((row) => [row.behaviour, row] as const),
  )("exits 2 naming the problem when %s", (_, { args, message }) => {
    const { exitCode, stdout, stderr } = main(args());

    expect(exitCode).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });
});

describe("backtest --compare-all", () => {
  it("prints the markdown table of the four traces and the biased variant, three policies each", () => {
    const { exitCode, stdout } = main(["--compare-all", "--markdown"]);

    expect(exitCode).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(2 + 5 * 3);
    expect(stdout).toContain("| metric-gaps | 9,000 | seed |");
    expect(stdout).toContain("| sale-spike-biased | 9,000 | autopilot-observed |");
  });
});

describe("the backtest command", () => {
  it("runs as a child process and prints the JSON result", () => {
    const tsx = join(ROOT, "node_modules/.bin/tsx");
    const child = spawnSync(
      tsx,
      ["tools/backtest/cli.ts", "--trace", writeTrace("child.csv"), "--capacity", "1000", "--json"],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 30_000,
      },
    );

    expect(child.status).toBe(0);
    expect(Object.keys(JSON.parse(child.stdout).summary)).toHaveLength(6);
  });
});
