/**
 * The override function speaks its payload's field names (`expiresInMinutes`, `replace: true`,
 * `weights.primary`): right for `serverless invoke`, foreign at a terminal. The CLI says the same
 * problems in its own flags. Each rule rewrites one phrasing; a message no rule knows passes unchanged.
 */
const RULES: readonly [RegExp, string][] = [
  [
    /expiresInMinutes: an expiry is required: give exactly one of expiresInMinutes or expiresAt/g,
    "--for/--until: an expiry is required: give exactly one of --for 90m|2h|1d or --until <ISO time>",
  ],
  [
    /expiresAt: Invalid ISO datetime/g,
    "--until: not a time with a zone: give an ISO time ending in Z or an offset, e.g. 2026-11-02T18:00:00Z or 2026-11-02T19:00:00+01:00",
  ],
  [
    /weights\.([^:;\s]+): Too big: expected number to be <=255/g,
    "--weight $1=N: a Route 53 weight is a whole number from 0 to 255",
  ],
  [
    /weights\.([^:;\s]+): Too small: expected number to be >=0/g,
    "--weight $1=N: a Route 53 weight is a whole number from 0 to 255",
  ],
  [/weights\.([^:;\s]+): /g, "--weight $1=N: "],
  [/weights: /g, "--weight: "],
  [/pass replace: true/g, "pass --replace"],
  [/mode admitting needs an admitRate/g, "--mode admitting needs --admit-rate N"],
  [/admitRate only goes with mode admitting/g, "--admit-rate only goes with --mode admitting"],
  [/admitRate: /g, "--admit-rate: "],
  [/expiresInMinutes: /g, "--for: "],
  [/expiresAt: /g, "--until: "],
  [/planId: /g, "plan id: "],
  // A payload field at the start of a problem ("pool: ...", "; reason: ...") is the flag of that name.
  [/(^|: |; )(author|reason|pool|fleet|canary|pair|target|automation|mode): /g, "$1--$2: "],
];

/**
 * @example "invalid override: expiresAt: Invalid ISO datetime"
 *   -> "invalid override: --until: not a time with a zone: give an ISO time ending in Z or an offset, ..."
 */
export function inFlagWords(message: string): string {
  return RULES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}
