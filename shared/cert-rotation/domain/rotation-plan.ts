import type { Guard, Severity } from "../../kernel/domain/decision";
import { type CandidateVerdict, daysUntil } from "./candidates";
import { retarget } from "./dns-target";
import type { BalancerView, PairFacts } from "./pair-state";
import type { PairSnapshot, RotationStep } from "./snapshot";
import type {
  CertificateFacts,
  CertificateSelection,
  CertPolicy,
  CertRotationState,
  DnsRecordFacts,
} from "./types";

export type CertRule =
  | "ignored" // a certificate event about a certificate that does not concern this pair
  | "in-sync" // the serving ALB presents the best certificate: nothing to do
  | "rotate" // a newer valid certificate: (a) idle listener, (b) swap colours, (c) DNS to the new green
  | "finish-rotation" // an interrupted rotation: continue from the step the world shows
  | "rotation-in-progress" // another run holds the pair's lease: leave it alone
  | "cooldown" // a newer certificate waits for the minimum interval between rotations
  | "expiring-no-candidate" // alert: the serving certificate expires soon and nothing can replace it
  | "inconsistent-pair" // alert and hold: tags, DNS or listeners are not a state this automation produces
  | "rotation-stuck"; // alert and hold: tags already swapped for a certificate that is no longer usable

export interface PairSpec {
  name: string;
  port: number;
  colorTagKey: string;
  recordName: string;
  recordTypes: readonly string[];
  loadBalancerNames?: readonly string[];
}

export interface RotationInput {
  pair: PairSpec;
  facts: PairFacts;
  /** Every certificate described this run: listener certificates, selected candidates, the event's. */
  certificates: ReadonlyMap<string, CertificateFacts>;
  selection: CertificateSelection;
  policy: CertPolicy;
  state: CertRotationState;
  now: Date;
  /** For certificate events: the certificate the event is about. */
  eventCertificateArn?: string;
}

export interface CertPlan {
  rule: CertRule;
  reason: string;
  /** Steps still to do, in order. Empty when nothing is to be changed. */
  steps: RotationStep[];
  rotation?: { id: string; certificateArn: string; fromArn: string; toArn: string; resumed: boolean };
  required: string[];
  candidates: CandidateVerdict[];
  serving?: { certificateArn: string; notAfter?: string; daysLeft?: number };
  problems: string[];
  guards: Guard[];
  /** Set for alerts and holds: how loud, and the episode that is posted once. */
  alert?: { severity: Severity; episode: string };
  /** Set when an abandoned in-flight record must be cleared even though nothing is applied. */
  clearsInFlight?: boolean;
  before: PairSnapshot;
  after: PairSnapshot;
}

/** The plan for an event that cannot concern any pair: nothing is read, nothing is done. */
export function ignoredPlan(reason: string): CertPlan {
  const empty: PairSnapshot = { balancers: [] };
  return {
    rule: "ignored",
    reason,
    steps: [],
    required: [],
    candidates: [],
    problems: [],
    guards: [],
    before: empty,
    after: empty,
  };
}

/** (a) certificate on the idle listener, (b) promote it then demote the old one, (c) DNS; done ones skipped. */
export function remainingSteps(
  from: BalancerView,
  to: BalancerView,
  certificateArn: string,
  records: readonly DnsRecordFacts[],
): RotationStep[] {
  const steps: RotationStep[] = [];
  if (to.certificateArn !== certificateArn) {
    steps.push({
      kind: "attach-certificate",
      balancer: to.name,
      balancerArn: to.arn,
      listenerArn: to.listenerArn,
      certificateArn,
    });
  }
  // Promote first: a crash in between leaves two greens (nobody treats a green ALB as idle), never two
  // blues (a deploy tool could take the serving ALB for the idle one).
  if (to.color !== "green")
    steps.push({ kind: "set-color", balancer: to.name, balancerArn: to.arn, color: "green" });
  if (from.color !== "blue")
    steps.push({ kind: "set-color", balancer: from.name, balancerArn: from.arn, color: "blue" });
  if (!to.servesDns) {
    steps.push({
      kind: "point-dns",
      balancer: to.name,
      balancerArn: to.arn,
      records: records.map((r) => retarget(r, to.facts)),
    });
  }
  return steps;
}

/** Alert and hold: the pair is not in a state this automation produces, so nothing is guessed. */
export function inconsistentPlan(
  base: Omit<CertPlan, "rule" | "reason">,
  problems: string[],
  input: RotationInput,
  serving: CertificateFacts | undefined,
): CertPlan {
  const daysLeft = daysUntil(serving?.notAfter, input.now);
  const critical = daysLeft !== undefined && daysLeft <= input.policy.criticalDaysBeforeExpiry;
  return {
    ...base,
    rule: "inconsistent-pair",
    reason: `pair ${input.pair.name} is inconsistent, holding: ${problems.join("; ")}`,
    problems,
    alert: { severity: critical ? "critical" : "warn", episode: `inconsistent:${problems.join("|")}` },
  };
}
