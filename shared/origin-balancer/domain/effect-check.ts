/** A weight change whose effect on the observed origins is still to be confirmed. */
export interface PendingEffect {
  /** When the change was applied (INSYNC). */
  at: string;
  /** Share of the origins with an observed metric, before and after the change. */
  shareBefore: number;
  shareAfter: number;
  /** The calibration factor in force when the change was made. */
  factor: number;
}

export interface EffectMinute {
  minute: string;
  /** The formula load of the minute (whole pool). */
  formula: number;
  /** What the origins with an observed metric served. */
  observed: number;
}

export type EffectVerdict =
  | { kind: "pending" } // the change has not settled yet
  | { kind: "confirmed"; observedShare: number; detail: string }
  | { kind: "not-honoured"; observedShare: number; detail: string } // a finding: Slack says so
  | { kind: "unconfirmed"; detail: string }; // no observed minute after settling: said, not guessed

/**
 * Did the observed load move as planned after a weight change reached INSYNC? Over the minutes that
 * started at least `settleMinutes` (60 s + TTL + metric delay) after the change, the observed origins'
 * share of the (calibrated) load is compared with the share planned: it must have covered at least half
 * of the planned move. Less means resolvers do not honour the record (a TTL floor, a pinned resolver, a
 * client that caches DNS): the weights say one thing and the traffic does another.
 *
 * @example change 100% -> 60% at 20:00, settle 4 min, factor 1; 20:04-20:06 formula 10,000/min and the
 *   primary served 9,800/min -> observed share 98%, 5% of the planned move -> not-honoured
 */
export function checkEffect(input: {
  pending: PendingEffect;
  minutes: readonly EffectMinute[];
  settleMinutes: number;
  /** Minutes after settling that an answer may wait for observed data before it is "unconfirmed". */
  graceMinutes: number;
  now: Date;
}): EffectVerdict {
  const { pending, settleMinutes } = input;
  const settledFrom = Date.parse(pending.at) + settleMinutes * 60_000;
  const after = input.minutes.filter((m) => Date.parse(m.minute) >= settledFrom);
  const formula = after.reduce((sum, m) => sum + m.formula * pending.factor, 0);
  const observed = after.reduce((sum, m) => sum + m.observed, 0);
  if (after.length === 0 || !(formula > 0)) {
    return input.now.getTime() >= settledFrom + input.graceMinutes * 60_000
      ? { kind: "unconfirmed", detail: "no observed minute since the change settled" }
      : { kind: "pending" };
  }
  const observedShare = observed / formula;
  const planned = pending.shareAfter - pending.shareBefore;
  const covered = planned === 0 ? 1 : (observedShare - pending.shareBefore) / planned;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const detail = `observed share ${pct(observedShare)} over ${after.length} settled min, planned ${pct(pending.shareBefore)} -> ${pct(pending.shareAfter)} (${pct(Math.max(0, covered))} of the move)`;
  return covered >= 0.5
    ? { kind: "confirmed", observedShare, detail }
    : { kind: "not-honoured", observedShare, detail };
}
