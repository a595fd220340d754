import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { createEc2FleetInventory } from "../../../shared/adapters/aws/ec2-fleet-inventory";

describe("EC2 fleet inventory", () => {
  it("lists the running instances carrying the fleet tag across every page, with their Name tags", async () => {
    const ec2 = mockClient(EC2Client);
    ec2
      .on(DescribeInstancesCommand, { NextToken: undefined })
      .resolves({
        Reservations: [
          {
            Instances: [
              { InstanceId: "i-0bbbbbbbbbbbbbbb2", Tags: [{ Key: "Name", Value: "web-2" }] },
              { InstanceId: "i-0aaaaaaaaaaaaaaa1" },
            ],
          },
        ],
        NextToken: "next",
      })
      .on(DescribeInstancesCommand, { NextToken: "next" })
      .resolves({ Reservations: [{ Instances: [{ InstanceId: "i-0ccccccccccccccc3" }] }] });
    const inventory = createEc2FleetInventory(new EC2Client({ region: "eu-west-1" }), {
      deadline: () => new Date(Date.now() + 5_000),
    });
    const instances = await inventory.listInstances({ key: "Role", value: "haproxy-web" });
    expect(instances).toEqual([
      { instanceId: "i-0aaaaaaaaaaaaaaa1" },
      { instanceId: "i-0bbbbbbbbbbbbbbb2", name: "web-2" },
      { instanceId: "i-0ccccccccccccccc3" },
    ]);
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input).toEqual({
      Filters: [
        { Name: "tag:Role", Values: ["haproxy-web"] },
        { Name: "instance-state-name", Values: ["running"] },
      ],
      MaxResults: 1000,
      NextToken: undefined,
    });
    ec2.restore();
  });
});
