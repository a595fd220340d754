import { type CheckResult, fail, isReadError, pass, type ReadError, unreadable } from "./types";

export interface PairObservation {
  pair: string;
  tag: { key: string; value: string };
  colorTagKey: string;
  listenerPort: number;
  recordName: string;
  balancers:
    | readonly { name: string; dnsName: string; color?: string; listenerProtocol?: string }[]
    | ReadError;
  /** Where the record points (alias DNS names or CNAME values), lower-case, without trailing dot. */
  dnsTargets: readonly string[] | ReadError;
}

const bare = (name: string) =>
  name
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^dualstack\./, "");

/**
 * Two ALBs carry the pair tag, each has an HTTPS listener on the port, exactly one is green and one blue,
 * and DNS points at the green one.
 * @example devices-a green, devices-b without DeploymentColor -> FAIL "devices-b has no DeploymentColor tag"
 */
export function checkPair(o: PairObservation): CheckResult {
  const id = "cert.pair";
  const tag = `${o.tag.key}=${o.tag.value}`;
  if (isReadError(o.balancers))
    return unreadable(
      id,
      o.pair,
      "elasticloadbalancing:DescribeLoadBalancers/DescribeTags/DescribeListeners",
      o.balancers,
    );
  const balancers = o.balancers;
  if (balancers.length !== 2) {
    return fail(
      id,
      o.pair,
      `${balancers.length} load balancers carry ${tag}, a pair needs 2`,
      `tag exactly the two ALBs of the pair ${tag}`,
    );
  }
  const problems: string[] = [];
  for (const b of balancers) {
    if (b.listenerProtocol !== "HTTPS") {
      problems.push(
        `${b.name} has ${b.listenerProtocol ? `an ${b.listenerProtocol}` : "no"} listener on port ${o.listenerPort}`,
      );
    }
    if (b.color !== "green" && b.color !== "blue") {
      problems.push(`${b.name} has ${b.color ? `${o.colorTagKey}=${b.color}` : `no ${o.colorTagKey} tag`}`);
    }
  }
  const greens = balancers.filter((b) => b.color === "green");
  if (problems.length === 0 && greens.length !== 1)
    problems.push(`${greens.length} ALBs are green, one must be`);
  if (problems.length > 0) {
    return fail(
      id,
      o.pair,
      problems.join("; "),
      `give each ALB an HTTPS listener on ${o.listenerPort} and tag the serving one ${o.colorTagKey}=green, the other ${o.colorTagKey}=blue`,
    );
  }
  if (isReadError(o.dnsTargets))
    return unreadable(id, o.pair, "route53:ListResourceRecordSets", o.dnsTargets);
  const green = greens[0] as (typeof balancers)[number];
  const targets = o.dnsTargets.map(bare);
  if (!targets.includes(bare(green.dnsName))) {
    return fail(
      id,
      o.pair,
      `${o.recordName} points at ${targets.join(", ") || "nothing"}, not at the green ALB ${green.name}`,
      `point ${o.recordName} at ${green.name} (${green.dnsName}), or swap the colour tags if the other ALB serves`,
    );
  }
  return pass(
    id,
    o.pair,
    `${balancers.map((b) => `${b.name} ${b.color}`).join(", ")}; ${o.recordName} -> ${green.name}`,
  );
}

export interface CanaryRuleObservation {
  canary: string;
  ref: string;
  stableTargetGroupArn: string;
  canaryTargetGroupArn: string;
  /** Target group ARNs in the rule's (or listener's default) forward action; null when it does not exist. */
  forwardsTo: readonly string[] | null | ReadError;
}

/** The canary's rule exists and forwards to both its target groups (the canary only moves weights). */
export function checkCanaryRule(o: CanaryRuleObservation): CheckResult {
  const id = "canary.rule";
  if (isReadError(o.forwardsTo))
    return unreadable(id, o.canary, "elasticloadbalancing:DescribeRules", o.forwardsTo);
  if (o.forwardsTo === null) {
    return fail(
      id,
      o.canary,
      `${o.ref} does not exist`,
      `correct canary.canaries[${o.canary}].listenerRuleArn (or listenerArn)`,
    );
  }
  const forwardsTo = o.forwardsTo;
  const missing = [o.stableTargetGroupArn, o.canaryTargetGroupArn].filter((tg) => !forwardsTo.includes(tg));
  if (missing.length > 0) {
    const names = missing.map((arn) => arn.split("/").at(-2) ?? arn).join(", ");
    return fail(
      id,
      o.canary,
      `the forward action does not include ${names}`,
      "make the rule a weighted forward to both the stable and the canary target group (canary weight 0 to start)",
    );
  }
  return pass(id, o.canary, "forwards to the stable and the canary target group");
}
