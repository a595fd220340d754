import { type AcmOptions, createAcmCertificates } from "../../shared/adapters/aws/acm-certificates";
import { createAcmClient } from "../../shared/adapters/aws/clients/acm";
import { createElbv2Client } from "../../shared/adapters/aws/clients/elbv2";
import type { ClientOptions } from "../../shared/adapters/aws/clients/options";
import { createRoute53Client } from "../../shared/adapters/aws/clients/route53";
import { createElbv2LoadBalancers, type Elbv2Options } from "../../shared/adapters/aws/elbv2-load-balancers";
import {
  type AliasPointerOptions,
  createRoute53AliasPointer,
} from "../../shared/adapters/aws/route53-alias-pointer";

/**
 * Certificate rotation's ELBv2, ACM and Route 53 side, its clients built once per cold start. deps.ts
 * imports it on the first call to one of these ports, so it is a chunk of its own (see lazyPort).
 */
export function createCertRotationAwsPorts(aws: ClientOptions) {
  const elbv2 = createElbv2Client(aws);
  const acm = createAcmClient(aws);
  const route53 = createRoute53Client(aws);
  return {
    balancers: (options: Elbv2Options) => createElbv2LoadBalancers(elbv2, options),
    certificates: (options: AcmOptions) => createAcmCertificates(acm, options),
    dns: (options: AliasPointerOptions) => createRoute53AliasPointer(route53, options),
  };
}
