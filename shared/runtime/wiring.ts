import type { Context } from "aws-lambda";
import type { ClientOptions } from "../adapters/aws/clients/options";
import { type ColdStart, invocationDeadline } from "./bootstrap";

/**
 * Where a function's clients point, which clock it reads and when its AWS work must end. In Lambda all of
 * it comes from the environment (the stage's region, the wall clock, the time the invocation has left);
 * tests, the bench and the local invoker give their own to the same `functions/<name>/deps.ts`, so the
 * wiring they run is the wiring that ships (one listing of overrides per invocation included).
 */
export interface Wiring {
  /** SDK options for every client except SSM, which the cold start built. Default: the stage's region. */
  aws?: ClientOptions;
  /** EC2's own options when they must differ from `aws` (the bench's 1,000 instances on moto). */
  ec2?: ClientOptions;
  now?: () => Date;
  /** The AWS work deadline of one invocation. Default: Lambda's time left minus the function's margin. */
  deadline?: (context: Pick<Context, "getRemainingTimeInMillis">) => () => Date;
  /** How often the DNS adapters poll for INSYNC (the adapters' default when absent). */
  pollIntervalMs?: number;
}

/** The wiring with every default filled in for one function (its margin for recording after the work). */
export function resolveWiring(base: ColdStart, wiring: Wiring, recordMarginMs: number) {
  const aws = wiring.aws ?? { region: base.config.region };
  return {
    aws,
    ec2: wiring.ec2 ?? aws,
    now: wiring.now ?? (() => new Date()),
    deadline: (context: Pick<Context, "getRemainingTimeInMillis">) =>
      wiring.deadline?.(context) ?? invocationDeadline(context, recordMarginMs),
    poll: wiring.pollIntervalMs === undefined ? {} : { pollIntervalMs: wiring.pollIntervalMs },
  };
}
