import type { BalancerFacts, ListenerFacts } from "../cert-rotation/domain/types";

/** Application Load Balancers, as far as the certificate rotation needs them (ELBv2 in AWS). */
export interface LoadBalancers {
  /**
   * Application load balancers carrying the tag, with all their tags (listener left undefined).
   * With `names`, only those are looked at (cheaper, and what the IAM policy can name).
   */
  findByTag(tag: { key: string; value: string }, names?: readonly string[]): Promise<BalancerFacts[]>;
  /** The listener on `port` with its default and SNI certificates; undefined when there is none. */
  listener(loadBalancerArn: string, port: number): Promise<ListenerFacts | undefined>;
  /** Replaces the listener's default certificate only; SNI certificates stay. */
  setDefaultCertificate(listenerArn: string, certificateArn: string): Promise<void>;
  /** Adds or overwrites one tag. */
  setTag(loadBalancerArn: string, key: string, value: string): Promise<void>;
  tags(loadBalancerArn: string): Promise<Record<string, string>>;
}
