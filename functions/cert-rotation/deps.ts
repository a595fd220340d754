import { createSsmOverrideStore } from "../../shared/adapters/aws/ssm-override-store";
import { createSsmStateStore } from "../../shared/adapters/aws/ssm-state-store";
import type { CertRotationConfig } from "../../shared/cert-rotation/config";
import type { CertRotationDeps } from "../../shared/cert-rotation/deps";
import { readOnce } from "../../shared/kernel/obey-overrides";
import type { Certificates } from "../../shared/ports/certificates";
import type { DnsPointer } from "../../shared/ports/dns-pointer";
import type { LoadBalancers } from "../../shared/ports/load-balancers";
import {
  type ColdStart,
  coldStart,
  type FunctionRuntime,
  requireSection,
} from "../../shared/runtime/bootstrap";
import { lazyPort, loadOnce, type PortMethods } from "../../shared/runtime/lazy-port";
import { resolveWiring, type Wiring } from "../../shared/runtime/wiring";

export type CertRotationRuntime = FunctionRuntime<CertRotationConfig, CertRotationDeps>;

/** Leave this much of the invocation for recording the decision after the AWS work. */
const RECORD_MARGIN_MS = 5_000;

const LOAD_BALANCERS: PortMethods<LoadBalancers> = {
  findByTag: true,
  listener: true,
  setDefaultCertificate: true,
  setTag: true,
  tags: true,
};
const CERTIFICATES: PortMethods<Certificates> = { list: true, describe: true };
const DNS_POINTER: PortMethods<DnsPointer> = { read: true, upsert: true, waitInSync: true };

/** Built once per cold start; clients come from the one shared factory. */
export async function createCertRotationRuntime(): Promise<CertRotationRuntime> {
  return buildCertRotationRuntime(await coldStart("cert-rotation"));
}

/** Certificate rotation's wiring, the only one: Lambda, tests and the bench build it here (see Wiring). */
export function buildCertRotationRuntime(base: ColdStart, wiring: Wiring = {}): CertRotationRuntime {
  const config = requireSection(base, "certRotation");
  const { aws, now, deadline: deadlineOf, poll } = resolveWiring(base, wiring, RECORD_MARGIN_MS);
  // ELBv2, ACM and Route 53 (their clients are ~120 KiB of the bundle) load while the first SSM reads are
  // in flight: a run starts with the override listing and the pairs' state.
  const awsPorts = loadOnce(() => import("./aws-ports").then((m) => m.createCertRotationAwsPorts(aws)));
  const state = createSsmStateStore(base.ssm, base.config.parameterPrefix);
  const overrides = createSsmOverrideStore(base.ssm, base.config.parameterPrefix, state);
  return {
    config,
    base,
    deps: (context) => {
      const deadline = deadlineOf(context);
      return {
        balancers: lazyPort(() => awsPorts().then((p) => p.balancers({ deadline })), LOAD_BALANCERS),
        certificates: lazyPort(() => awsPorts().then((p) => p.certificates({ deadline })), CERTIFICATES),
        dns: lazyPort(() => awsPorts().then((p) => p.dns({ deadline, ...poll })), DNS_POINTER),
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
