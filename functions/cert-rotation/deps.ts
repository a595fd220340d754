import { createAcmCertificates } from "../../shared/adapters/aws/acm-certificates";
import { createAcmClient } from "../../shared/adapters/aws/clients/acm";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createElbv2LoadBalancers } from "../../shared/adapters/aws/elbv2-load-balancers";
import { createRoute53AliasPointer } from "../../shared/adapters/aws/route53-alias-pointer";
import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { CertRotationConfig } from "../../shared/cert-rotation/config";
import type { CertRotationDeps } from "../../shared/cert-rotation/deps";
import { readOnce } from "../../shared/kernel/obey-overrides";
import {
  type ColdStart,
  coldStart,
  type FunctionRuntime,
  requireSection,
} from "../../shared/runtime/bootstrap";
import { resolveWiring, type Wiring } from "../../shared/runtime/wiring";

export type CertRotationRuntime = FunctionRuntime<CertRotationConfig, CertRotationDeps>;

/** Leave this much of the invocation for recording the decision after the AWS work. */
const RECORD_MARGIN_MS = 5_000;

/** Built once per cold start; clients come from the one shared factory. */
export async function createCertRotationRuntime(): Promise<CertRotationRuntime> {
  return buildCertRotationRuntime(await coldStart("cert-rotation"));
}

/** Certificate rotation's wiring, the only one: Lambda, tests and the bench build it here (see Wiring). */
export function buildCertRotationRuntime(base: ColdStart, wiring: Wiring = {}): CertRotationRuntime {
  const config = requireSection(base, "certRotation");
  const { aws, now, deadline: deadlineOf, poll } = resolveWiring(base, wiring, RECORD_MARGIN_MS);
  const elbv2 = createElbv2Client(aws);
  const acm = createAcmClient(aws);
  const route53 = createRoute53Client(aws);
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  return {
    config,
    base,
    deps: (context) => {
      const deadline = deadlineOf(context);
      return {
        balancers: createElbv2LoadBalancers(elbv2, { deadline }),
        certificates: createAcmCertificates(acm, { deadline }),
        dns: createRoute53AliasPointer(route53, { deadline, ...poll }),
        state,
        // One listing per invocation, however many pairs it reconciles.
        overrides: readOnce(overrides),
        notifier: base.notifier,
        logger: base.logger,
        now,
        deadline,
      };
    },
  };
}
