import { DescribeInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { FleetTag } from "../../flow-control/domain/types";
import type { FleetInstance, FleetInventory } from "../../ports/fleet-inventory";
import { retryTransient } from "./retry";

/**
 * The fleet from EC2 DescribeInstances (tag filter + running), not SSM DescribeInstanceInformation: EC2 is
 * the truth of which machines serve traffic. SSM lists only instances whose agent registered, so an
 * instance with a dead agent would silently drop out of the fleet instead of being reported undeliverable,
 * which is exactly the instance an operator must hear about. It is also the same EC2 tag the IAM policy's
 * ssm:resourceTag condition checks, so "in the fleet" and "allowed to command" cannot drift apart.
 */
export function createEc2FleetInventory(
  client: EC2Client,
  options: { deadline: () => Date },
): FleetInventory {
  return {
    async listInstances(tag: FleetTag): Promise<FleetInstance[]> {
      const found = new Map<string, FleetInstance>();
      let nextToken: string | undefined;
      // 1,000 per page, 50 pages: far beyond any fleet, and still a bound.
      for (let page = 0; page < 50; page++) {
        const out = await retryTransient(
          () =>
            client.send(
              new DescribeInstancesCommand({
                Filters: [
                  { Name: `tag:${tag.key}`, Values: [tag.value] },
                  // Pending instances have no agent yet and stopped ones cannot run anything; the converge
                  // run reaches them once they are running.
                  { Name: "instance-state-name", Values: ["running"] },
                ],
                MaxResults: 1000,
                NextToken: nextToken,
              }),
            ),
          { attempts: 4, baseDelayMs: 200, deadline: options.deadline(), what: "EC2 DescribeInstances" },
        );
        for (const reservation of out.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) {
            if (instance.InstanceId === undefined) continue;
            const name = instance.Tags?.find((t) => t.Key === "Name")?.Value;
            found.set(instance.InstanceId, { instanceId: instance.InstanceId, ...(name ? { name } : {}) });
          }
        }
        nextToken = out.NextToken;
        if (!nextToken) break;
      }
      return [...found.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    },
  };
}
