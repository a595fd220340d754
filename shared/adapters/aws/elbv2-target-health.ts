import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AwsCallError } from "../../errors";
import type { TargetHealth } from "../../ports/target-health";

/** Target health of a group as the ALB reports it; only "healthy" targets count as healthy. */
export function createElbv2TargetHealth(client: ElasticLoadBalancingV2Client): TargetHealth {
  return {
    async read(targetGroupArn) {
      try {
        const out = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
        const byState: Record<string, number> = {};
        for (const target of out.TargetHealthDescriptions ?? []) {
          const state = target.TargetHealth?.State ?? "unknown";
          byState[state] = (byState[state] ?? 0) + 1;
        }
        const total = out.TargetHealthDescriptions?.length ?? 0;
        return { healthy: byState.healthy ?? 0, total, byState };
      } catch (error) {
        if (error instanceof Error && /NotFound/.test(error.name)) {
          throw new AwsCallError(`target group ${targetGroupArn} not found (${error.name})`, {
            cause: error,
          });
        }
        throw error;
      }
    },
  };
}
