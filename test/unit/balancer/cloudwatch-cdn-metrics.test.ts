import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { createCloudWatchCdnMetrics } from "../../../shared/adapters/aws/cloudwatch-cdn-metrics";
import { planMetricCalls } from "../../../shared/adapters/aws/metric-call-plan";

describe("planMetricCalls", () => {
  it.each([
    ["one call for 100 pools' 300 queries over an hour", 300, 62, [300]],
    ["500 queries a call at most", 1200, 62, [500, 500, 200]],
    ["100,800 datapoints a call at most: 5 queries of 14 days", 12, 14 * 1440, [5, 5, 2]],
    ["nothing to read, no call", 0, 60, []],
  ])("%s", (_name, queries, minutes, sizes) => {
    const calls = planMetricCalls(queries, minutes);
    expect(calls.map((c) => c.count)).toEqual(sizes);
    for (const c of calls) {
      expect(c.count).toBeLessThanOrEqual(500);
      expect(c.count * minutes).toBeLessThanOrEqual(100_800);
    }
  });
});

describe("CloudWatch CDN metrics", () => {
  const from = new Date("2026-11-02T20:00:00Z");
  const to = new Date("2026-11-02T21:02:00Z");
  const observedMetric = {
    namespace: "AWS/ApplicationELB",
    metricName: "RequestCount",
    dimensions: [{ name: "LoadBalancer", value: "app/nke/1" }],
    statistic: "Sum",
  };

  it("reads every pool's series and observed metrics in one call, pages included, and routes the answers", async () => {
    const cw = mockClient(CloudWatchClient);
    cw.on(GetMetricDataCommand, { NextToken: undefined })
      .resolves({
        MetricDataResults: [{ Id: "q0", Timestamps: [from], Values: [80_000] }],
        NextToken: "page-2",
      })
      .on(GetMetricDataCommand, { NextToken: "page-2" })
      .resolves({ MetricDataResults: [{ Id: "q6", Timestamps: [from], Values: [6_900] }] });
    const metrics = createCloudWatchCdnMetrics(new CloudWatchClient({ region: "us-east-1" }));

    const [a, b] = await metrics.fetchPools(
      [
        { distributionIds: ["E1AAAAAA"], observed: [] },
        { distributionIds: ["E2BBBBBB"], observed: [{ setIdentifier: "nke", metric: observedMetric }] },
      ],
      from,
      to,
    );

    const calls = cw.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(2); // one call, two pages
    const queries = calls[0]?.args[0].input.MetricDataQueries ?? [];
    expect(queries).toHaveLength(7); // 2 distributions x 3 series + 1 observed metric
    expect(queries[6]?.MetricStat).toEqual({
      Metric: {
        Namespace: "AWS/ApplicationELB",
        MetricName: "RequestCount",
        Dimensions: [{ Name: "LoadBalancer", Value: "app/nke/1" }],
      },
      Period: 60,
      Stat: "Sum",
    });
    expect(a?.cdn[0]?.requests.get(from.toISOString())).toBe(80_000);
    expect(b?.observed.nke?.get(from.toISOString())).toBe(6_900);
    expect(a?.observed).toEqual({});
  });
});
