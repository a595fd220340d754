import type { CertObserved } from "./cert-decision";
import type { CertPlan } from "./plan-rotation";
import type { CertificateFacts, CertRotationState } from "./types";

/** What a run observed about one pair, as the Decision records it. Pure. */
export function observe(
  pair: string,
  plan: CertPlan,
  state: CertRotationState,
  certificates: ReadonlyMap<string, CertificateFacts>,
  eventArn: string | undefined,
  planInfo: CertObserved["plan"],
): CertObserved {
  const next = plan.rotation ? certificates.get(plan.rotation.certificateArn) : undefined;
  return {
    pair,
    requiredHostnames: plan.required,
    candidates: plan.candidates,
    ...(plan.serving ? { serving: plan.serving } : {}),
    ...(next
      ? {
          certificate: {
            arn: next.arn,
            names: next.names,
            ...(next.notAfter ? { notAfter: next.notAfter } : {}),
          },
        }
      : {}),
    problems: plan.problems,
    ...(eventArn ? { eventCertificateArn: eventArn } : {}),
    ...(state.inFlight ? { inFlight: state.inFlight } : {}),
    ...(planInfo ? { plan: planInfo } : {}),
  };
}
