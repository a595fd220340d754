import { type IncidentRoute, withoutPrefix } from "../../kernel/domain/incident";
import { incidentKeys } from "../../kernel/domain/parameter-layout";
import type { CertDecision } from "./cert-decision";

/** The rotation a decision is about, as the workflow knows it after acting. */
export interface RotationRefForSlack {
  id: string;
  /** Step (c) was read back (or an interrupted rotation was found already complete): the rotation is over. */
  completed: boolean;
}

/**
 * Where a cert-rotation decision goes in Slack. One rotation (its stable id: pair, certificate, from and
 * to ALB) is one incident: the plan or the first run opens it, an approval, a failure, a resume or a
 * "rotation in progress" hold replies in it, the run that reads step (c) back closes it. Dry runs and
 * evaluations that concern no rotation (holds, expiry alerts, in-sync) are posted alone (undefined).
 *
 * @example plan mode: "rotation to 1a2b planned (plan-9f), awaiting approval" opens rot-77;
 *   after approval "rotated to certificate 1a2b — iot-b is green with DNS" closes it
 */
export function certIncidentRoute(
  decision: CertDecision,
  rotation: RotationRefForSlack | undefined,
): IncidentRoute | undefined {
  if (rotation === undefined || decision.mode === "dry-run") return undefined;
  return {
    key: incidentKeys.rotation(decision.target, rotation.id),
    title: rotationTitle(decision.target, rotation.id),
    headline: withoutPrefix(decision.headline, `${decision.target}: `),
    severity: decision.severity,
    opens: true,
    closes: rotation.completed,
  };
}

/**
 * An in-flight rotation dropped before any device could see it (its certificate became unusable before
 * step (a) was visible): its thread, if one is open, is closed with the reason; nothing new is opened.
 */
export function abandonedRotationRoute(pair: string, rotationId: string, detail: string): IncidentRoute {
  return {
    key: incidentKeys.rotation(pair, rotationId),
    title: rotationTitle(pair, rotationId),
    headline: `dropped before any device saw it — ${detail}`,
    severity: "warn",
    opens: false,
    closes: true,
  };
}

function rotationTitle(pair: string, rotationId: string): string {
  return `Certificate rotation ${rotationId} · pair ${pair}`;
}
