import type { StandInState } from "./state";
import { epochSeconds } from "./wire";

/**
 * DescribeInstanceInformation as SSM answers it for the stand-in's instances (moto does not implement it):
 * an online instance's agent is `Online`, an offline one's `ConnectionLost`. Filters: `InstanceIds` only.
 */
export function describeInstanceInformation(
  state: StandInState,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const filters = (body.Filters ?? []) as { Key?: string; Values?: string[] }[];
  const wanted = filters.find((f) => f.Key === "InstanceIds")?.Values;
  const now = epochSeconds(new Date(state.now()));
  return {
    InstanceInformationList: state.instances
      .filter((i) => wanted === undefined || wanted.includes(i.instanceId))
      .map((i) => ({
        InstanceId: i.instanceId,
        PingStatus: i.online ? "Online" : "ConnectionLost",
        LastPingDateTime: now,
        AgentVersion: "3.3.0.0",
        PlatformType: "Linux",
        ResourceType: "EC2Instance",
      })),
  };
}
