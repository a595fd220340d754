import {
  AddTagsCommand,
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
  type LoadBalancer,
  ModifyListenerCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { BalancerFacts, ListenerFacts } from "../../cert-rotation/domain/types";
import type { LoadBalancers } from "../../ports/load-balancers";
import { isAwsError } from "./aws-error";
import { retryTransient } from "./retry";

export interface Elbv2Options {
  /** No retry starts after this moment (the invocation's time left). */
  deadline: () => Date;
}

/** DescribeTags takes at most 20 ARNs; DescribeLoadBalancers pages at 400. */
const TAG_BATCH = 20;
const MAX_PAGES = 50;

export function createElbv2LoadBalancers(
  client: ElasticLoadBalancingV2Client,
  options: Elbv2Options,
): LoadBalancers {
  const retry = <T>(what: string, call: () => Promise<T>) =>
    retryTransient(call, { attempts: 4, baseDelayMs: 200, deadline: options.deadline(), what });

  async function describeAll(names?: readonly string[]): Promise<LoadBalancer[]> {
    const found: LoadBalancer[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await retry("ELBv2 DescribeLoadBalancers", () =>
        client.send(
          new DescribeLoadBalancersCommand({
            ...(names ? { Names: [...names] } : { PageSize: 400 }),
            Marker: marker,
          }),
        ),
      );
      found.push(...(out.LoadBalancers ?? []));
      marker = out.NextMarker;
      if (!marker) break;
    }
    return found;
  }

  async function tagsOf(arns: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const tags = new Map<string, Record<string, string>>();
    for (let i = 0; i < arns.length; i += TAG_BATCH) {
      const out = await retry("ELBv2 DescribeTags", () =>
        client.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + TAG_BATCH) })),
      );
      for (const description of out.TagDescriptions ?? []) {
        const map: Record<string, string> = {};
        for (const tag of description.Tags ?? []) if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? "";
        if (description.ResourceArn) tags.set(description.ResourceArn, map);
      }
    }
    return tags;
  }

  return {
    async findByTag(tag, names) {
      let balancers: LoadBalancer[];
      try {
        balancers = await describeAll(names);
      } catch (error) {
        // A configured name that does not exist: list them all, so the policy can say which one is missing.
        if (!isAwsError(error, "LoadBalancerNotFoundException") || names === undefined) throw error;
        balancers = await describeAll();
      }
      const applications = balancers.filter((b) => b.Type === "application" && b.LoadBalancerArn);
      const tags = await tagsOf(applications.map((b) => b.LoadBalancerArn as string));
      const out: BalancerFacts[] = [];
      for (const balancer of applications) {
        const arn = balancer.LoadBalancerArn as string;
        const own = tags.get(arn) ?? {};
        if (own[tag.key] !== tag.value) continue;
        out.push({
          arn,
          name: balancer.LoadBalancerName ?? arn,
          dnsName: balancer.DNSName ?? "",
          canonicalHostedZoneId: balancer.CanonicalHostedZoneId ?? "",
          tags: own,
        });
      }
      return out;
    },

    async listener(loadBalancerArn, port) {
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await retry("ELBv2 DescribeListeners", () =>
          client.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn, Marker: marker })),
        );
        const listener = (out.Listeners ?? []).find((l) => l.Port === port);
        if (listener?.ListenerArn) {
          return certificatesOf(
            listener.ListenerArn,
            port,
            listener.Protocol ?? "",
            listener.Certificates?.[0]?.CertificateArn,
          );
        }
        marker = out.NextMarker;
        if (!marker) break;
      }
      return undefined;
    },

    async setDefaultCertificate(listenerArn, certificateArn) {
      // ModifyListener with one certificate replaces the default only; SNI certificates are kept.
      await retry("ELBv2 ModifyListener", () =>
        client.send(
          new ModifyListenerCommand({
            ListenerArn: listenerArn,
            Certificates: [{ CertificateArn: certificateArn }],
          }),
        ),
      );
    },

    async setTag(loadBalancerArn, key, value) {
      await retry("ELBv2 AddTags", () =>
        client.send(
          new AddTagsCommand({ ResourceArns: [loadBalancerArn], Tags: [{ Key: key, Value: value }] }),
        ),
      );
    },

    async tags(loadBalancerArn) {
      return (await tagsOf([loadBalancerArn])).get(loadBalancerArn) ?? {};
    },
  };

  /**
   * DescribeListenerCertificates is the authority on which certificate is the default (IsDefault); the
   * default may also be listed again as non-default, so it is removed from the SNI list.
   */
  async function certificatesOf(
    listenerArn: string,
    port: number,
    protocol: string,
    fallbackDefault: string | undefined,
  ): Promise<ListenerFacts> {
    const all: { arn: string; isDefault: boolean }[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await retry("ELBv2 DescribeListenerCertificates", () =>
        client.send(new DescribeListenerCertificatesCommand({ ListenerArn: listenerArn, Marker: marker })),
      );
      for (const c of out.Certificates ?? []) {
        if (c.CertificateArn) all.push({ arn: c.CertificateArn, isDefault: c.IsDefault === true });
      }
      marker = out.NextMarker;
      if (!marker) break;
    }
    const defaultArn = all.find((c) => c.isDefault)?.arn ?? fallbackDefault;
    return {
      arn: listenerArn,
      port,
      protocol,
      ...(defaultArn ? { defaultCertificateArn: defaultArn } : {}),
      sniCertificateArns: [
        ...new Set(all.filter((c) => !c.isDefault && c.arn !== defaultArn).map((c) => c.arn)),
      ],
    };
  }
}
