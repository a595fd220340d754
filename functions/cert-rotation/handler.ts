import type { Context } from "aws-lambda";
import { parseCertRotationEvent } from "../../shared/cert-rotation/acm-event";
import { rotateCertificates } from "../../shared/cert-rotation/rotate-certificates";
import { createFunctionHandler } from "../../shared/runtime/function-handler";
import { type CertRotationRuntime, createCertRotationRuntime } from "./deps";

/**
 * Certificate rotation: ACM events, the CloudTrail ImportCertificate record and a daily schedule all
 * run the same reconciliation of every blue/green ALB pair. Wiring only; the decision lives in
 * shared/cert-rotation/domain.
 */
export function createHandler(runtime: () => Promise<CertRotationRuntime>) {
  return createFunctionHandler({
    automation: "cert-rotation",
    runtime,
    parse: parseCertRotationEvent,
    run: (rt, input, context: Context) => rotateCertificates(rt.deps(context), rt.config, input),
  });
}

export const handler = createHandler(createCertRotationRuntime);
