import { describe, expect, it } from "vitest";
import { main } from "../../../tools/backtest/cli";
import { runAutopilot } from "../../support/autopilot-cli";

describe("the backtest as an autopilot command", () => {
  it("names itself `autopilot backtest` in its help and gives the CLI's exit codes", async () => {
    const run = await runAutopilot(["backtest", "--help"]);
    expect(run.code, run.stderr).toBe(0);
    const help = run.stdout;
    expect(help).toMatch(/^Usage: autopilot backtest \[options\]/);
    expect(help).toContain("  autopilot backtest --compare-all --markdown");
    expect(help).toContain(
      "Exit codes: 0 done, 2 bad input (arguments, trace, config), 3 unexpected failure.",
    );
    expect(help).not.toContain("npm run backtest");
  });

  it("keeps its own name and codes under npm run backtest", () => {
    expect(main(["--help"]).stdout).toMatch(
      /^Usage: npm run backtest -- \[options\][\s\S]*1 unexpected failure\.$/m,
    );
  });
});
