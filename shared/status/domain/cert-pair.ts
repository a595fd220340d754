import { balancerTarget, recordTarget } from "../../cert-rotation/domain/dns-target";
import { type PairFacts, readPair } from "../../cert-rotation/domain/pair-state";
import type { PendingRotationPlan } from "../../cert-rotation/domain/pending-rotation-plan";
import type { CertificateFacts, CertRotationState } from "../../cert-rotation/domain/types";
import type { StoredOverride } from "../../kernel/domain/override-types";
import { overrideFor, planStatus } from "./overrides";
import type { AlbStatus, PairStatus } from "./types";

const DAY_MS = 86_400_000;

export interface PairExpectation {
  port: number;
  colorTagKey: string;
  recordName: string;
  recordTypes: readonly string[];
  loadBalancerNames?: readonly string[];
}

/**
 * One blue/green pair as status shows it: each ALB's colour tag, whether DNS points at it, its listener's
 * certificate with expiry, the rotation journal and the stored plan. An inconsistent pair is still shown,
 * with the problems the rotation would hold on.
 *
 * @example iot-a green + DNS, cert expires in 12.5 days; iot-b blue -> liveAlb iot-a, daysLeft 12, problems []
 */
export function pairStatus(input: {
  pair: string;
  expect: PairExpectation;
  facts: PairFacts;
  certificates: ReadonlyMap<string, CertificateFacts>;
  state: CertRotationState | undefined;
  plan: PendingRotationPlan | undefined;
  overrides: readonly StoredOverride[];
  now: Date;
}): PairStatus {
  const { facts, expect, now } = input;
  const targets = expect.recordTypes.map((type) => {
    const record = facts.records.find((r) => r.type === type);
    return record ? recordTarget(record) : undefined;
  });
  const balancers: AlbStatus[] = facts.balancers.map((b) => {
    const arn = b.listener?.defaultCertificateArn;
    const cert = arn ? input.certificates.get(arn) : undefined;
    const notAfter = cert?.notAfter;
    return {
      name: b.name,
      arn: b.arn,
      ...(b.tags[expect.colorTagKey] !== undefined ? { color: b.tags[expect.colorTagKey] } : {}),
      servesDns: targets.length > 0 && targets.every((t) => t !== undefined && t === balancerTarget(b)),
      ...(arn
        ? {
            certificate: {
              arn,
              ...(notAfter
                ? { notAfter, daysLeft: Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS) }
                : {}),
              ...(cert?.status ? { status: cert.status } : {}),
            },
          }
        : {}),
    };
  });
  const live = balancers.filter((b) => b.servesDns);
  const reading = readPair(facts, expect);
  const state = input.state ?? {};
  const override = overrideFor("cert-rotation", input.pair, input.overrides, now);
  return {
    pair: input.pair,
    balancers,
    ...(live.length === 1 && live[0] ? { liveAlb: live[0].name } : {}),
    problems: reading.ok ? [] : reading.problems,
    state: {
      ...(state.inFlight
        ? {
            inFlight: {
              id: state.inFlight.id,
              certificateArn: state.inFlight.certificateArn,
              startedAt: state.inFlight.startedAt,
              ...(state.inFlight.planId ? { planId: state.inFlight.planId } : {}),
            },
          }
        : {}),
      ...(state.lastRotation
        ? {
            lastRotation: {
              id: state.lastRotation.id,
              certificateArn: state.lastRotation.certificateArn,
              completedAt: state.lastRotation.completedAt,
            },
          }
        : {}),
      ...(state.episode ? { episode: state.episode } : {}),
    },
    ...(input.plan ? { plan: planStatus(input.plan, now) } : {}),
    ...(override ? { override } : {}),
  };
}
