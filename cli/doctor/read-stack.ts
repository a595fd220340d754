/** doctor's read-only reads of ELBv2, Lambda and Slack (Describe*, GetFunction, auth.test, conversations.*). */
import {
  type Action,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetFunctionCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { WebClient } from "@slack/web-api";
import { isNotFound, MAX_PAGES } from "./read-error";

export interface PairBalancer {
  name: string;
  dnsName: string;
  color?: string;
  listenerProtocol?: string;
}

/** The ALBs carrying the pair tag, with their colour tag and the protocol of their listener on `port`. */
export async function pairBalancers(
  elbv2: ElasticLoadBalancingV2Client,
  tag: { key: string; value: string },
  colorTagKey: string,
  port: number,
): Promise<PairBalancer[]> {
  const all: { arn: string; name: string; dnsName: string }[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await elbv2.send(new DescribeLoadBalancersCommand({ Marker: marker }));
    for (const lb of out.LoadBalancers ?? []) {
      if (lb.Type === "application" && lb.LoadBalancerArn) {
        all.push({ arn: lb.LoadBalancerArn, name: lb.LoadBalancerName ?? "", dnsName: lb.DNSName ?? "" });
      }
    }
    marker = out.NextMarker;
    if (!marker) break;
  }
  const paired: PairBalancer[] = [];
  // DescribeTags takes at most 20 ARNs per call.
  for (let i = 0; i < all.length; i += 20) {
    const slice = all.slice(i, i + 20);
    const out = await elbv2.send(new DescribeTagsCommand({ ResourceArns: slice.map((b) => b.arn) }));
    for (const description of out.TagDescriptions ?? []) {
      const tags = Object.fromEntries((description.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
      const lb = slice.find((b) => b.arn === description.ResourceArn);
      if (lb === undefined || tags[tag.key] !== tag.value) continue;
      const listeners = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.arn }));
      const onPort = (listeners.Listeners ?? []).find((l) => l.Port === port);
      paired.push({
        name: lb.name,
        dnsName: lb.dnsName,
        ...(tags[colorTagKey] !== undefined ? { color: tags[colorTagKey] } : {}),
        ...(onPort?.Protocol ? { listenerProtocol: onPort.Protocol } : {}),
      });
    }
  }
  return paired;
}

const forwardTargets = (actions: readonly Action[]): string[] =>
  actions.flatMap((a) =>
    a.Type !== "forward"
      ? []
      : [
          ...(a.ForwardConfig?.TargetGroups ?? []).flatMap((t) =>
            t.TargetGroupArn ? [t.TargetGroupArn] : [],
          ),
          ...(a.TargetGroupArn ? [a.TargetGroupArn] : []),
        ],
  );

/** Target groups the rule (or the listener's default action) forwards to; null when it does not exist. */
export async function forwardTargetGroups(
  elbv2: ElasticLoadBalancingV2Client,
  ref: { listenerRuleArn?: string; listenerArn?: string },
): Promise<string[] | null> {
  try {
    if (ref.listenerRuleArn) {
      const out = await elbv2.send(new DescribeRulesCommand({ RuleArns: [ref.listenerRuleArn] }));
      const rule = out.Rules?.[0];
      return rule ? [...new Set(forwardTargets(rule.Actions ?? []))] : null;
    }
    const out = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [ref.listenerArn ?? ""] }));
    const listener = out.Listeners?.[0];
    return listener ? [...new Set(forwardTargets(listener.DefaultActions ?? []))] : null;
  } catch (error) {
    if (isNotFound(error, "RuleNotFoundException", "ListenerNotFoundException", "ValidationError"))
      return null;
    throw error;
  }
}

export async function deployedFunction(
  lambda: LambdaClient,
  name: string,
): Promise<{ runtime?: string; reservedConcurrency?: number; stage?: string } | null> {
  try {
    const out = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    const stage = out.Configuration?.Environment?.Variables?.STAGE;
    const reserved = out.Concurrency?.ReservedConcurrentExecutions;
    return {
      ...(out.Configuration?.Runtime ? { runtime: out.Configuration.Runtime } : {}),
      ...(reserved !== undefined ? { reservedConcurrency: reserved } : {}),
      ...(stage !== undefined ? { stage } : {}),
    };
  } catch (error) {
    if (isNotFound(error, "ResourceNotFoundException")) return null;
    throw error;
  }
}

export async function slackAuth(slack: WebClient): Promise<{ userId: string; team?: string }> {
  const out = await slack.auth.test();
  return { userId: out.user_id ?? "unknown", ...(out.team ? { team: out.team } : {}) };
}

/**
 * Is the bot a member of the channel? A `#name` is resolved to its id with conversations.list first
 * (conversations.info takes ids only).
 */
export async function slackMembership(
  slack: WebClient,
  channel: string,
): Promise<{ isMember: boolean; channelId: string }> {
  let id = channel;
  if (channel.startsWith("#")) {
    const name = channel.slice(1);
    let cursor: string | undefined;
    let found: string | undefined;
    for (let page = 0; page < MAX_PAGES && found === undefined; page++) {
      const out = await slack.conversations.list({
        types: "public_channel,private_channel",
        exclude_archived: true,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      found = out.channels?.find((c) => c.name === name)?.id;
      cursor = out.response_metadata?.next_cursor;
      if (!cursor) break;
    }
    if (found === undefined)
      throw new Error(`channel_not_found: no channel named ${channel} is visible to the bot`);
    id = found;
  }
  const info = await slack.conversations.info({ channel: id });
  return { isMember: info.channel?.is_member === true, channelId: id };
}
