import { createAcmCertificates } from "../../shared/adapters/aws/acm-certificates";
import { createAcmClient } from "../../shared/adapters/aws/clients/acm";
import { createEc2Client } from "../../shared/adapters/aws/clients/ec2";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createSqsClient } from "../../shared/adapters/aws/clients/sqs";
import { createEc2FleetInventory } from "../../shared/adapters/aws/ec2-fleet-inventory";
import { createElbv2ListenerRules } from "../../shared/adapters/aws/elbv2-listener-rules";
import { createElbv2LoadBalancers } from "../../shared/adapters/aws/elbv2-load-balancers";
import { createRoute53AliasPointer } from "../../shared/adapters/aws/route53-alias-pointer";
import { createRoute53WeightedRecords } from "../../shared/adapters/aws/route53-weighted-records";
import { createSqsFailedEventQueue } from "../../shared/adapters/aws/sqs-failed-event-queue";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { StageConfig } from "../../shared/config/stage-config";
import type { FailedEventQueue } from "../../shared/ports/failed-event-queue";
import { coldStart, type FunctionRuntime, invocationDeadline } from "../../shared/runtime/bootstrap";
import { failedEventsQueueName } from "../../shared/runtime/failed-events-queue";
import type { StatusDeps } from "../../shared/status/read-status";

/** The on-failure queue is optional: a stage without event-driven functions deploys none. */
export type StatusRuntime = FunctionRuntime<StageConfig, StatusDeps & { failedEvents?: FailedEventQueue }>;

/** Leave this much of the invocation for returning the document after the reads. */
const RETURN_MARGIN_MS = 2_000;

/**
 * Built once per cold start. Status reads every configured automation, so it gets every read adapter;
 * its role allows only their Describe/List/Get calls (shared/status/iam-policy.ts).
 */
export async function createStatusRuntime(): Promise<StatusRuntime> {
  const base = await coldStart("status");
  const region = base.config.region;
  const route53 = createRoute53Client({ region });
  const elbv2 = createElbv2Client({ region });
  const ec2 = createEc2Client({ region });
  const acm = createAcmClient({ region });
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  const failedEvents = createSqsFailedEventQueue(
    createSqsClient({ region }),
    failedEventsQueueName(base.config.stage),
  );
  return {
    config: base.config,
    base,
    deps: (context) => {
      const deadline = invocationDeadline(context, RETURN_MARGIN_MS);
      return {
        records: createRoute53WeightedRecords(route53, { deadline }),
        inventory: createEc2FleetInventory(ec2, { deadline }),
        balancers: createElbv2LoadBalancers(elbv2, { deadline }),
        dns: createRoute53AliasPointer(route53, { deadline }),
        certificates: createAcmCertificates(acm, { deadline }),
        rules: createElbv2ListenerRules(elbv2, { deadline }),
        state,
        overrides,
        failedEvents,
        now: () => new Date(),
      };
    },
  };
}
