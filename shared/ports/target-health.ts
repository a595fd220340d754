import type { HealthObservation } from "../canary/domain/types";

/** The health of one target group's registered targets, as the load balancer sees it. */
export interface TargetHealth {
  read(targetGroupArn: string): Promise<HealthObservation>;
}
