import type { Context } from "aws-lambda";
import { parseCertRotationEvent } from "../../shared/cert-rotation/acm-event";
import { rotateCertificates } from "../../shared/cert-rotation/rotate-certificates";
import { createFunctionHandler } from "../../shared/runtime/function-handler";
import type { CertRotationRuntime } from "./deps";

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

// The runtime (AWS clients, adapters, workflow) is imported on the first invocation: it is a chunk of its
// own in the bundle, so loading the handler compiles only the event parsing and the error handling.
export const handler = createHandler(() => import("./deps").then((deps) => deps.createCertRotationRuntime()));
