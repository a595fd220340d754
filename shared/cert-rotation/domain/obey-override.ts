import type { StoredOverride } from "../../kernel/domain/override-types";
import type { CertDecision } from "./cert-decision";

/**
 * What obeying an override means for a rotation: a pause (or any override: a rotation cannot be pinned)
 * holds the rotation the policy planned; the Decision says what it would have done. The override protocol
 * itself (which override, said once) is the kernel's.
 *
 * @example "iot: rotating to 1a2b" under a pause by alice -> "iot: paused by alice until ... — would have:
 *   rotating to 1a2b", held
 */
export function pausedDecision(decision: CertDecision, override: StoredOverride | undefined): CertDecision {
  const by = override
    ? `paused by ${override.author} until ${override.expiresAt}: ${override.reason}`
    : "paused";
  const prefix = `${decision.target}: `;
  const wanted = decision.headline.startsWith(prefix)
    ? decision.headline.slice(prefix.length)
    : decision.headline;
  return {
    ...decision,
    rule: "override-pause",
    outcome: "held",
    severity: "warn",
    headline: `${prefix}${by} — would have: ${wanted}`,
  };
}
