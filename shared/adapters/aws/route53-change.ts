import { GetChangeCommand, type Route53Client } from "@aws-sdk/client-route-53";
import { retryTransient } from "./retry";

export interface ChangePollOptions {
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Polls GetChange until INSYNC (Route 53 has reached all its authoritative servers, ~60 s) or until the
 * deadline; returns the last status seen. Bounded by the deadline and by a count, whichever comes first.
 */
export async function waitForRoute53Change(
  client: Route53Client,
  changeId: string,
  deadline: Date,
  options: ChangePollOptions = {},
): Promise<"PENDING" | "INSYNC"> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = options.pollIntervalMs ?? 2_000;
  let status: "PENDING" | "INSYNC" = "PENDING";
  for (let poll = 0; poll < 300; poll++) {
    const out = await retryTransient(() => client.send(new GetChangeCommand({ Id: changeId })), {
      attempts: 3,
      baseDelayMs: 200,
      deadline,
      what: `Route 53 GetChange ${changeId}`,
    });
    status = out.ChangeInfo?.Status === "INSYNC" ? "INSYNC" : "PENDING";
    if (status === "INSYNC" || Date.now() + interval >= deadline.getTime()) break;
    await sleep(interval);
  }
  return status;
}

/** Route 53 returns names lower-case with a trailing dot (moto sometimes without): compare them that way. */
export function normaliseDnsName(name: string | undefined): string {
  const lower = (name ?? "").toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}
