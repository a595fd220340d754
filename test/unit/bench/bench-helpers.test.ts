import { describe, expect, it } from "vitest";
import { identifyCall, tally } from "../../../bench/call-counter";
import {
  END_MARKER,
  renderBenchTable,
  replaceBetweenMarkers,
  START_MARKER,
} from "../../../bench/readme-table";
import type { BenchResults } from "../../../bench/results";
import { formatBytes, formatMs, formatRatio, median, ratio } from "../../../bench/stats";

describe("bench statistics", () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 1, 1000, 11], 10],
  ])("takes the median of %j as %d, whatever the order and outliers", (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it("refuses the median of nothing instead of inventing a number", () => {
    expect(() => median([])).toThrow(/empty/);
  });

  it("gives ours/baseline to two decimals and no ratio when a side is missing or zero", () => {
    expect(ratio(412, 1_000)).toBe(0.41);
    expect(ratio(null, 1_000)).toBeNull();
    expect(ratio(10, 0)).toBeNull();
  });

  it("marks a ratio against its goal, the goal itself counting as met", () => {
    expect(formatRatio(0.6, 0.6)).toBe("0.60x ✓");
    expect(formatRatio(0.61, 0.6)).toBe("0.61x ✗");
    expect(formatRatio(null, 0.6)).toBe("n/a");
  });

  it("prints sizes in KiB or MiB and times in ms or seconds", () => {
    expect(formatBytes(905_889)).toBe("884.7 KiB");
    expect(formatBytes(3_146_406)).toBe("3.00 MiB");
    expect(formatMs(412.4)).toBe("412 ms");
    expect(formatMs(40_213)).toBe("40.2 s");
  });
});

describe("AWS call identification on the wire", () => {
  const auth = (service: string) => ({
    authorization: `AWS4-HMAC-SHA256 Credential=bench/20261202/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
  });

  it("reads JSON-protocol operations from X-Amz-Target", () => {
    const headers = { ...auth("ssm"), "x-amz-target": "AmazonSSM.SendCommand" };
    expect(identifyCall("POST", "/", headers, "{}")).toEqual({ service: "ssm", operation: "SendCommand" });
  });

  it("reads query-protocol operations from the Action field", () => {
    const call = identifyCall("POST", "/", auth("ec2"), "Action=DescribeInstances&Version=2016-11-15");
    expect(call).toEqual({ service: "ec2", operation: "DescribeInstances" });
  });

  it("names Route 53 REST operations and the hosted zone they change", () => {
    expect(identifyCall("POST", "/2013-04-01/hostedzone/Z123/rrset/", auth("route53"), "<xml/>")).toEqual({
      service: "route53",
      operation: "ChangeResourceRecordSets",
      hostedZoneId: "Z123",
    });
    expect(identifyCall("GET", "/2013-04-01/change/C42", auth("route53"), "").operation).toBe("GetChange");
  });

  it("tallies calls per service and operation", () => {
    const calls = [
      { service: "ssm", operation: "GetParameter" },
      { service: "route53", operation: "ListResourceRecordSets" },
      { service: "ssm", operation: "GetParameter" },
    ];
    expect(tally(calls)).toEqual({ route53: { ListResourceRecordSets: 1 }, ssm: { GetParameter: 2 } });
  });
});

describe("the README benchmark table", () => {
  const results: BenchResults = {
    generatedAt: "2026-12-02T19:00:00.000Z",
    machine: { cpus: 2, cpuModel: "Test CPU", node: "v20.20.2", platform: "linux x64" },
    coldStart: {
      runs: 9,
      goal: { bytes: 0.6, time: 0.6 },
      functions: [
        {
          name: "flow-control",
          ours: { bytes: 1_400_000, bytesAtImport: 80_000, importMs: 300, importCpuMs: 320, readyMs: 400 },
          naive: { bytes: 5_200_000, importMs: 700, importCpuMs: 760, readyMs: 900 },
          ratios: { bytes: 0.27, import: 0.43, importCpu: 0.42, ready: 0.44 },
        },
      ],
    },
  };

  it("states the date, the machine and each function's ratios against their goals", () => {
    const table = renderBenchTable(results);
    expect(table).toContain("2026-12-02: 2 cores (Test CPU)");
    expect(table).toContain(
      "| flow-control | 1.34 MiB | 78.1 KiB | 4.96 MiB | 0.27x ✓ | 300 ms | 700 ms | 0.43x ✓ |",
    );
    expect(table).not.toContain("**Reaction**");
  });

  it("replaces only what stands between the markers", () => {
    const readme = `# Title\n\n${START_MARKER}\nold table\n${END_MARKER}\n\n## After\n`;
    const updated = replaceBetweenMarkers(readme, "new table");
    expect(updated).toBe(`# Title\n\n${START_MARKER}\nnew table\n${END_MARKER}\n\n## After\n`);
    expect(replaceBetweenMarkers(updated, "new table")).toBe(updated);
  });

  it("refuses a README without the markers rather than appending somewhere", () => {
    expect(() => replaceBetweenMarkers("# Title\n", "table")).toThrow(/bench:start/);
  });
});
