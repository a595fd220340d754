import type { Guard } from "../../kernel/domain/decision";
import { daysUntil, evaluateCandidates, requiredHostnames, selectionVerdict } from "./candidates";
import { type BalancerView, readPair } from "./pair-state";
import { resumeRotation } from "./resume-rotation";
import { type CertPlan, inconsistentPlan, type RotationInput, remainingSteps } from "./rotation-plan";
import { afterSteps, type PairSnapshot, snapshotOf, stableId } from "./snapshot";

export type { CertPlan, CertRule, PairSpec, RotationInput } from "./rotation-plan";
export { ignoredPlan } from "./rotation-plan";

const HOUR = 3_600_000;

/**
 * Decides what to do with one blue/green ALB pair. Pure: all facts are read beforehand.
 *
 * Steady state: one ALB tagged green, every DNS record on it; the other blue (idle). A rotation puts the
 * new certificate on the idle listener (a), makes it green and the old one blue (b), then points DNS at
 * it (c). Devices keep talking to the ALB they are on until DNS moves, and DNS only moves to a listener
 * already read back with the newer certificate, so no device is sent to an older certificate. Every
 * intermediate state is recognised with the in-flight record written before (a), and finished;
 * a state the rotation cannot produce (two greens without it, DNS on the blue ALB) is held and alerted.
 *
 * @example green iot-a (cert expires 2027-01-10, DNS), blue iot-b; new cert until 2027-04-01 ->
 *   rotate: attach to iot-b, iot-b green, iot-a blue, DNS -> iot-b
 */
export function planRotation(input: RotationInput): CertPlan {
  const { facts, certificates, pair, state } = input;
  const reading = readPair(facts, {
    port: pair.port,
    colorTagKey: pair.colorTagKey,
    recordName: pair.recordName,
    recordTypes: pair.recordTypes,
    ...(pair.loadBalancerNames ? { loadBalancerNames: pair.loadBalancerNames } : {}),
  });
  const dnsArn = reading.ok ? reading.view.balancers.find((b) => b.servesDns)?.arn : undefined;
  const before = snapshotOf(facts, pair.colorTagKey, dnsArn, certificates);
  const base = { before, after: before, steps: [], required: [], candidates: [], problems: [], guards: [] };

  const ignored = irrelevantEvent(input);
  if (ignored !== undefined) return { ...base, rule: "ignored", reason: ignored };
  if (!reading.ok) return inconsistentPlan(base, reading.problems, input, undefined);

  if (state.inFlight !== undefined) {
    const resumed = resumeRotation(input, reading.view.balancers, before);
    if (!("abandon" in resumed)) return resumed;
    const { inFlight: _, ...rest } = state;
    const plan = planRotation({ ...input, state: rest });
    const dropped: Guard = { name: "abandoned-rotation", verdict: "passed", detail: resumed.abandon };
    return { ...plan, clearsInFlight: true, guards: [dropped, ...plan.guards] };
  }
  const greens = reading.view.balancers.filter((b) => b.color === "green");
  const green = greens[0];
  const blue = reading.view.balancers.find((b) => b !== green);
  if (greens.length !== 1 || green === undefined || blue === undefined) {
    const color = greens.length === 0 ? "blue" : "green";
    const served = reading.view.balancers.find((b) => b.servesDns);
    return inconsistentPlan(
      base,
      [`both load balancers are tagged ${color}`],
      input,
      served ? certificates.get(served.certificateArn) : undefined,
    );
  }
  if (!green.servesDns) {
    return inconsistentPlan(
      base,
      [`DNS points at ${blue.name}, which is tagged blue, while ${green.name} is tagged green`],
      input,
      certificates.get(blue.certificateArn),
    );
  }
  return fresh(input, green, blue, before);
}

function fresh(
  input: RotationInput,
  green: BalancerView,
  blue: BalancerView,
  before: PairSnapshot,
): CertPlan {
  const { certificates, policy, now, state } = input;
  const active = certificates.get(green.certificateArn);
  const base = { before, after: before, steps: [], problems: [], guards: [] as Guard[] };
  if (active === undefined) {
    return inconsistentPlan(
      { ...base, required: [], candidates: [] },
      [`the serving certificate ${green.certificateArn} could not be read from ACM`],
      input,
      undefined,
    );
  }
  const required = requiredHostnames(input.selection, active);
  const selected = [...certificates.values()].filter(
    (c) => c.arn === active.arn || selectionVerdict(c, input.selection).selected,
  );
  const { verdicts, best } = evaluateCandidates({
    certificates: selected,
    active,
    required,
    keyTypes: policy.keyTypes,
    now,
  });
  const daysLeft = daysUntil(active.notAfter, now);
  const serving = {
    certificateArn: active.arn,
    ...(active.notAfter ? { notAfter: active.notAfter } : {}),
    ...(daysLeft !== undefined ? { daysLeft } : {}),
  };
  const common = { ...base, required, candidates: verdicts, serving };
  const urgent = daysLeft !== undefined && daysLeft < policy.alertDaysBeforeExpiry;
  if (best === undefined) {
    if (!urgent)
      return { ...common, rule: "in-sync", reason: `${green.name} serves the newest valid certificate` };
    const critical = (daysLeft ?? 0) <= policy.criticalDaysBeforeExpiry;
    return {
      ...common,
      rule: "expiring-no-candidate",
      reason: `the serving certificate expires in ${daysLeft} days (${active.notAfter?.slice(0, 10)}) and no certificate can replace it`,
      alert: { severity: critical ? "critical" : "warn", episode: `expiry:${active.arn}:${daysLeft}` },
    };
  }
  const guards: Guard[] = [];
  const last = state.lastRotation?.completedAt;
  const hoursSince =
    last === undefined ? Number.POSITIVE_INFINITY : (now.getTime() - Date.parse(last)) / HOUR;
  if (hoursSince < policy.minHoursBetweenRotations) {
    const detail = `last rotation ${Math.round(hoursSince * 10) / 10} h ago, minimum ${policy.minHoursBetweenRotations} h (the idle ALB may still carry connections)`;
    if (!urgent) {
      return {
        ...common,
        guards: [{ name: "min-interval", verdict: "blocked", detail }],
        rule: "cooldown",
        reason: `${best.arn} waits: ${detail}`,
        alert: { severity: "info", episode: `cooldown:${best.arn}` },
      };
    }
    guards.push({
      name: "min-interval",
      verdict: "passed",
      detail: `bypassed (${detail}): expires in ${daysLeft} days`,
    });
  } else {
    guards.push({
      name: "min-interval",
      verdict: "passed",
      detail: last ? `last rotation ${last}` : "no rotation yet",
    });
  }
  guards.push({
    name: "idle-listener-only",
    verdict: "passed",
    detail: `the certificate goes on ${blue.name}, which DNS does not point at`,
  });
  const steps = remainingSteps(green, blue, best.arn, input.facts.records);
  const id = stableId("rot", `${input.pair.name}|${best.arn}|${green.arn}|${blue.arn}`);
  return {
    ...common,
    guards,
    rule: "rotate",
    reason: `${best.arn} is valid until ${best.notAfter?.slice(0, 10)}, later than the serving certificate (${active.notAfter?.slice(0, 10)})`,
    steps,
    rotation: { id, certificateArn: best.arn, fromArn: green.arn, toArn: blue.arn, resumed: false },
    after: afterSteps(before, steps, input.certificates),
  };
}

function irrelevantEvent(input: RotationInput): string | undefined {
  const arn = input.eventCertificateArn;
  if (arn === undefined) return undefined;
  const onListeners = input.facts.balancers.some(
    (b) => b.listener?.defaultCertificateArn === arn || b.listener?.sniCertificateArns.includes(arn),
  );
  if (onListeners || input.state.inFlight?.certificateArn === arn) return undefined;
  const certificate = input.certificates.get(arn);
  if (certificate === undefined) return `certificate ${arn} is not in ACM (deleted, or another region)`;
  const selection = selectionVerdict(certificate, input.selection);
  return selection.selected
    ? undefined
    : `certificate ${arn} does not concern pair ${input.pair.name}: it ${selection.reason}`;
}
