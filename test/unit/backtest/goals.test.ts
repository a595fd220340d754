import { beforeAll, describe, expect, it } from "vitest";
import {
  BENCHMARK_TRACES,
  type ComparisonRow,
  compareAll,
  renderComparisonTable,
} from "../../../tools/backtest/compare";

// Autopilot and seed run in the same test, on the same traces and settings, so the ratios compare like
// with like: a change to the simulator moves both.
describe("the origin balancer on the four benchmark traces", () => {
  let rows: ComparisonRow[] = [];
  beforeAll(() => {
    rows = compareAll();
  });
  const row = (trace: string, policy: "autopilot" | "seed") => {
    const found = rows.find((r) => r.trace === trace && r.policy === policy);
    if (found === undefined) throw new Error(`no ${policy} row for ${trace}`);
    return found.summary;
  };

  it.each(BENCHMARK_TRACES.map((t) => t.name))(
    "at most halves the seed rule's overload excess on %s",
    (trace) => {
      expect(row(trace, "autopilot").overloadExcess).toBeLessThanOrEqual(
        0.5 * row(trace, "seed").overloadExcess,
      );
    },
  );

  it.each(BENCHMARK_TRACES.map((t) => t.name))(
    "changes the weights no more often than the seed rule on %s",
    (trace) => {
      expect(row(trace, "autopilot").changes).toBeLessThanOrEqual(row(trace, "seed").changes);
    },
  );

  it.each(BENCHMARK_TRACES.map((t) => t.name))("never flaps on %s", (trace) => {
    expect(row(trace, "autopilot").flaps).toBe(0);
  });

  it.each(["sale-spike", "flash-crowd"])(
    "sends at most 1.5x the oracle's elastic requests during the %s",
    (trace) => {
      const { elasticRequests, oracleElasticRequests } = row(trace, "autopilot");

      expect(elasticRequests).toBeLessThanOrEqual(1.5 * oracleElasticRequests);
    },
  );

  // Near capacity the elastic share must be earned: at most 4x what an omniscient split would send.
  it.each(["boundary-noise", "metric-gaps"])(
    "sends at most 4x the oracle's elastic requests on %s",
    (trace) => {
      const { elasticRequests, oracleElasticRequests } = row(trace, "autopilot");

      expect(elasticRequests).toBeLessThanOrEqual(4 * oracleElasticRequests);
    },
  );

  it("renders one markdown row per trace and policy, with the ratios on the autopilot rows", () => {
    const lines = renderComparisonTable(rows, true).split("\n");

    expect(lines).toHaveLength(2 + 2 * BENCHMARK_TRACES.length);
    expect(lines[0]).toBe(
      "| trace | capacity | policy | overload minutes | overload excess | changes | flaps | elastic requests | oracle elastic | elastic/oracle | excess vs seed | changes vs seed |",
    );
    expect(lines.find((l) => l.startsWith("| boundary-noise | 6,000 | autopilot |"))).toMatch(
      /\| \d+\.\d\dx \| \d+\.\d\dx \|$/,
    );
    expect(lines.find((l) => l.startsWith("| boundary-noise | 6,000 | seed |"))).toMatch(/\| — \| — \|$/);
  });
});
