import type { Certificates } from "../ports/certificates";
import type { DnsPointer } from "../ports/dns-pointer";
import type { LoadBalancers } from "../ports/load-balancers";
import type { Notifier } from "../ports/notifier";
import type { OverrideReader } from "../ports/override-store";
import type { StateStore } from "../ports/state-store";
import type { Logger } from "../runtime/logger";

/** The ports one rotation run reads and acts through (built by functions/cert-rotation/deps.ts). */
export interface CertRotationDeps {
  balancers: LoadBalancers;
  certificates: Certificates;
  dns: DnsPointer;
  state: StateStore;
  /** Operator overrides, read once per run: an unreadable store stops the run (a pause could be there). */
  overrides: OverrideReader;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
  /** When the invocation must have finished its AWS work (Lambda time left minus a margin). */
  deadline: () => Date;
}
