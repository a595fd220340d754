import { daysUntil, evaluateCandidates, requiredHostnames } from "./candidates";
import type { BalancerView } from "./pair-state";
import { type CertPlan, inconsistentPlan, type RotationInput, remainingSteps } from "./rotation-plan";
import { afterSteps, type PairSnapshot } from "./snapshot";

/**
 * Finishes the rotation recorded in flight. The states it can produce, in order: nothing or (a) done;
 * (a) and "to" promoted (both green); (b) done; (c) done. Anything else means someone else changed the
 * pair meanwhile: hold and alert rather than guess.
 */
export function resumeRotation(
  input: RotationInput,
  balancers: readonly BalancerView[],
  before: PairSnapshot,
): CertPlan | { abandon: string } {
  const { state, certificates, now } = input;
  const flight = state.inFlight;
  const base = { before, after: before, steps: [], required: [], candidates: [], problems: [], guards: [] };
  if (flight === undefined) throw new Error("resume needs an in-flight rotation");
  const to = balancers.find((b) => b.arn === flight.toArn);
  const from = balancers.find((b) => b.arn === flight.fromArn);
  if (to === undefined || from === undefined || to === from) {
    return inconsistentPlan(
      base,
      [`rotation ${flight.id} refers to load balancers that are no longer the pair`],
      input,
      undefined,
    );
  }
  if (flight.leaseUntil !== undefined && Date.parse(flight.leaseUntil) > now.getTime()) {
    return {
      ...base,
      rule: "rotation-in-progress",
      reason: `another run is applying rotation ${flight.id} (lease until ${flight.leaseUntil})`,
      guards: [
        { name: "single-writer", verdict: "blocked", detail: `lease held until ${flight.leaseUntil}` },
      ],
    };
  }
  const stage = stageOf(from, to, to.certificateArn === flight.certificateArn);
  if (stage === undefined) {
    const shown = balancers.map((b) => `${b.name} ${b.color}${b.servesDns ? " (DNS)" : ""}`).join(", ");
    return inconsistentPlan(
      base,
      [`rotation ${flight.id} is in flight but the pair shows ${shown}: a state the rotation cannot produce`],
      input,
      certificates.get(from.certificateArn),
    );
  }
  const certificate = certificates.get(flight.certificateArn);
  const servingArn = stage === 3 ? to.certificateArn : from.certificateArn;
  const serving = certificates.get(servingArn);
  const required = requiredHostnames(input.selection, serving);
  const check =
    certificate === undefined
      ? undefined
      : evaluateCandidates({
          certificates: [certificate],
          active: stage === 3 ? undefined : serving,
          required,
          keyTypes: input.policy.keyTypes,
          now,
        });
  const verdict = check?.verdicts[0];
  const usable = stage === 3 || check?.best !== undefined;
  if (!usable) {
    const why = verdict?.reason ?? "it is no longer in ACM";
    if (stage === 0) {
      // Nothing visible to devices changed yet: the caller drops the rotation and decides afresh.
      return { abandon: `dropped rotation ${flight.id}: ${why}` };
    }
    return {
      ...base,
      rule: "rotation-stuck",
      reason: `rotation ${flight.id} swapped the colours but its certificate can no longer be used (${why}); DNS stays on ${from.name}`,
      alert: { severity: "critical", episode: `stuck:${flight.id}` },
      ...(verdict ? { candidates: [verdict] } : {}),
    };
  }
  const steps = remainingSteps(from, to, flight.certificateArn, input.facts.records);
  const names = ["(a) certificate", "(b) colours", "(b) colours", "(c) DNS"];
  return {
    ...base,
    rule: "finish-rotation",
    required,
    candidates: verdict ? [verdict] : [],
    reason:
      steps.length === 0
        ? `rotation ${flight.id} had completed; recording it`
        : `rotation ${flight.id} (started ${flight.startedAt}) was interrupted; continuing with ${names[stage] ?? "the next step"}`,
    guards: [
      { name: "resume", verdict: "passed", detail: `the pair is at a state rotation ${flight.id} produces` },
    ],
    steps,
    rotation: {
      id: flight.id,
      certificateArn: flight.certificateArn,
      fromArn: flight.fromArn,
      toArn: flight.toArn,
      resumed: true,
    },
    ...(serving
      ? {
          serving: {
            certificateArn: serving.arn,
            ...(serving.notAfter ? { notAfter: serving.notAfter } : {}),
            ...(daysUntil(serving.notAfter, now) !== undefined
              ? { daysLeft: daysUntil(serving.notAfter, now) }
              : {}),
          },
        }
      : {}),
    after: afterSteps(before, steps, certificates),
  };
}

/**
 * 0: nothing or only (a) done; 1: "to" promoted, "from" still green; 2: colours swapped; 3: DNS moved.
 * (a) may be done in stage 0 without the journal knowing: it is idempotent and read back.
 */
function stageOf(from: BalancerView, to: BalancerView, attached: boolean): 0 | 1 | 2 | 3 | undefined {
  if (to.color === "blue" && from.color === "green" && from.servesDns) return 0;
  if (!attached || to.color !== "green") return undefined;
  if (from.color === "green" && from.servesDns) return 1;
  if (from.color === "blue" && from.servesDns) return 2;
  if (from.color === "blue" && to.servesDns) return 3;
  return undefined;
}
